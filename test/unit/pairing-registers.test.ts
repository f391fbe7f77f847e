import { TECHNICIAN_TOKEN_TTL_MS } from '../../src/pairing/pairing.service';
import { useApi } from '../helpers/api';
import { pairingAnswerOf } from '../helpers/context';

describe('PairingService: registers and tokens', () => {
  const t = useApi();
  const pair = (req: { registerId?: string; registerName?: string; role?: 'pos' | 'technician' } = {}) => t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code, ...req });

  it('When a POS pairs, then it gets a token that authenticates it, and the terminal identity', () => {
    const paired = pair({ registerId: 'till-1', registerName: 'Front till' });
    expect(paired).toEqual(pairingAnswerOf('till-1'));
    expect(t.ctx.pairing.authenticate(paired.authToken)).toEqual({ registerId: 'till-1', registerName: 'Front till', role: 'pos' });
  });

  it('When a POS pairs without a registerId, then one is generated as reg-… and named after itself', () => {
    const paired = pair();
    expect(paired.registerId).toMatch(/^reg-[A-Za-z0-9_-]{10}$/);
    expect(t.ctx.pairing.authenticate(paired.authToken)?.registerName).toBe(paired.registerId);
  });

  it('When a technician pairs without a registerId, then one is generated as tech-…', () => {
    expect(pair({ role: 'technician' }).registerId).toMatch(/^tech-[A-Za-z0-9_-]{10}$/);
  });

  it('When a token is stored, then only its selector and a SHA-256 hash are in the database, never the secret', () => {
    const { authToken } = pair({ registerId: 'till-1' });
    const [selector, secret] = authToken.split('.');
    const row = t.ctx.db.prepare('SELECT * FROM registers').get() as Record<string, unknown>;
    expect(row.token_selector).toBe(selector);
    expect((row.token_hash as Buffer).length).toBe(32);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(authToken);
  });

  it('When the same registerId pairs again, then the old token is revoked and the new one works', () => {
    const old = pair({ registerId: 'till-1' }).authToken;
    const fresh = pair({ registerId: 'till-1' }).authToken;
    expect(t.ctx.pairing.authenticate(old)).toBeUndefined();
    expect(t.ctx.pairing.authenticate(fresh)?.registerId).toBe('till-1');
    expect(t.ctx.registers.list()).toHaveLength(1);
  });

  it('When several registers are paired, then each token authenticates its own register', () => {
    const a = pair({ registerId: 'till-1' }).authToken;
    const b = pair({ registerId: 'till-2' }).authToken;
    expect(t.ctx.pairing.authenticate(a)?.registerId).toBe('till-1');
    expect(t.ctx.pairing.authenticate(b)?.registerId).toBe('till-2');
  });

  it('When a technician pairs, then the token expires exactly 8 hours later', () => {
    const paired = pair({ role: 'technician', registerId: 'tech-1' });
    expect(new Date(paired.expiresAt!).getTime() - t.clock.now().getTime()).toBe(TECHNICIAN_TOKEN_TTL_MS);
    expect(TECHNICIAN_TOKEN_TTL_MS).toBe(8 * 60 * 60 * 1000);
    t.clock.advance(TECHNICIAN_TOKEN_TTL_MS - 1);
    expect(t.ctx.pairing.authenticate(paired.authToken)?.role).toBe('technician');
    t.clock.advance(1);
    expect(t.ctx.pairing.authenticate(paired.authToken)).toBeUndefined();
  });

  it('When a POS token is a year old, then it still works', () => {
    const { authToken, expiresAt } = pair();
    expect(expiresAt).toBeUndefined();
    t.clock.advance(365 * 86_400_000);
    expect(t.ctx.pairing.authenticate(authToken)).toBeDefined();
  });

  it('When a register unpairs, then its token stops working and the others keep working', () => {
    const a = pair({ registerId: 'till-1' }).authToken;
    const b = pair({ registerId: 'till-2' }).authToken;
    expect(t.ctx.pairing.unpair('till-1')).toBe(true);
    expect(t.ctx.pairing.authenticate(a)).toBeUndefined();
    expect(t.ctx.pairing.authenticate(b)).toBeDefined();
    expect(t.ctx.pairing.unpair('till-1')).toBe(false);
  });

  it('When everything is unpaired, then no token works and the count of revoked registers is returned', () => {
    const tokens = [pair({ registerId: 'till-1' }), pair({ registerId: 'till-2' }), pair({ role: 'technician' })].map((p) => p.authToken);
    expect(t.ctx.pairing.unpairAll()).toBe(3);
    for (const token of tokens) expect(t.ctx.pairing.authenticate(token)).toBeUndefined();
    expect(t.ctx.registers.countActivePos()).toBe(0);
  });

  it('When an unpaired register pairs again, then it works again', () => {
    pair({ registerId: 'till-1' });
    t.ctx.pairing.unpair('till-1');
    const again = pair({ registerId: 'till-1' }).authToken;
    expect(t.ctx.pairing.authenticate(again)?.registerId).toBe('till-1');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['malformed', 'not-a-token'],
    ['unknown selector', `${'A'.repeat(16)}.${'B'.repeat(43)}`],
  ])('When the token is %s, then it does not authenticate', (_name, token) => {
    pair({ registerId: 'till-1' });
    expect(t.ctx.pairing.authenticate(token)).toBeUndefined();
  });

  it('When the selector is right but the secret is wrong, then it does not authenticate', () => {
    const { authToken } = pair({ registerId: 'till-1' });
    const [selector, secret] = authToken.split('.') as [string, string];
    const wrong = `${selector}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(t.ctx.pairing.authenticate(wrong)).toBeUndefined();
  });
});
