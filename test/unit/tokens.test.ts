import crypto, { createHash } from 'node:crypto';
import { hashSecret, issueToken, secretMatches, splitToken, tokenFromHeader } from '../../src/pairing/tokens';
import { ids } from '../../src/shared/ids';

describe('tokens', () => {
  afterEach(() => jest.restoreAllMocks());

  it('When a token is issued, then it is selector.secret with at least 128 random bits and the hash is SHA-256 of the secret', () => {
    const { token, selector, hash } = issueToken(ids);
    const [s, secret] = token.split('.') as [string, string];
    expect(s).toBe(selector);
    expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(hash).toEqual(createHash('sha256').update(secret).digest());
  });

  it('When two tokens are issued, then they differ', () => {
    const a = issueToken(ids);
    const b = issueToken(ids);
    expect(a.token).not.toBe(b.token);
    expect(a.selector).not.toBe(b.selector);
  });

  it('When a token is split, then selector and secret come back', () => {
    const { token, selector } = issueToken(ids);
    expect(splitToken(token)).toEqual({ selector, secret: token.slice(17) });
  });

  it.each([
    ['no dot', 'A'.repeat(60)],
    ['a short selector', `${'A'.repeat(15)}.${'B'.repeat(43)}`],
    ['a short secret', `${'A'.repeat(16)}.${'B'.repeat(42)}`],
    ['a character outside base64url', `${'A'.repeat(15)}+.${'B'.repeat(43)}`],
    ['trailing text', `${'A'.repeat(16)}.${'B'.repeat(43)}.x`],
  ])('When a token has %s, then it does not split', (_name, token) => {
    expect(splitToken(token)).toBeUndefined();
  });

  it('When the secret matches the stored hash, then it verifies; otherwise not', () => {
    const stored = hashSecret('right');
    expect(secretMatches('right', stored)).toBe(true);
    expect(secretMatches('wrong', stored)).toBe(false);
    expect(secretMatches('', stored)).toBe(false);
  });

  it('When there is no stored hash, then nothing verifies, not even the secret behind the dummy hash', () => {
    expect(secretMatches('no such token', undefined)).toBe(false);
  });

  it('When a secret is verified, then the comparison is timingSafeEqual, with or without a stored hash', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    secretMatches('x', hashSecret('y'));
    secretMatches('x', undefined);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe('tokenFromHeader', () => {
  const token = `${'A'.repeat(16)}.${'B'.repeat(43)}`;
  it.each([
    ['the raw token (as Paynt sends it)', token],
    ['Bearer and the token', `Bearer ${token}`],
    ['bearer in lower case', `bearer ${token}`],
    ['surrounding spaces', `  Bearer   ${token}  `],
  ])('When the header is %s, then the token is read', (_name, header) => {
    expect(tokenFromHeader(header)).toBe(token);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['another scheme', `Basic ${token}`],
    ['two words', 'one two'],
  ])('When the header is %s, then there is no token', (_name, header) => {
    expect(tokenFromHeader(header)).toBeUndefined();
  });
});
