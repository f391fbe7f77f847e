import { generateKeyPairSync } from 'node:crypto';
import { cardIdentity, cardIdentityKey } from '../../src/reader/card-identity';

// The card identity (docs/payments.md): a keyed hash of the card's number under a key derived from the
// terminal's own key, the same for the same card on the same terminal, and nothing to search without it.

const keyPem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const VISA = '4761739001010010';
const AMEX = '374245455400126';

describe('the card identity', () => {
  it('is the same for the same card under the same terminal key, whatever spacing the number was read with', () => {
    const pem = keyPem();
    expect(cardIdentity(cardIdentityKey(pem), VISA)).toBe(cardIdentity(cardIdentityKey(pem), '4761 7390 0101 0010'));
  });

  it('differs from card to card, and from terminal to terminal for the same card', () => {
    const key = cardIdentityKey(keyPem());
    expect(cardIdentity(key, VISA)).not.toBe(cardIdentity(key, AMEX));
    expect(cardIdentity(cardIdentityKey(keyPem()), VISA)).not.toBe(cardIdentity(key, VISA));
  });

  it('holds no digit run of the card number: 43 characters of base64url of an HMAC', () => {
    const id = cardIdentity(cardIdentityKey(keyPem()), VISA);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(id).not.toMatch(/[0-9]{13}/);
  });
});
