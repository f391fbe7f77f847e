import { createHmac, createPrivateKey, hkdfSync } from 'node:crypto';

/*
 * A card's identity, for a linked refund to pay back the card that paid (docs/payments.md).
 * @NOTE It is not card data: HMAC-SHA256 of the card's number under a key of the terminal's, made where
 * the number is read and nowhere else (a driver of the card reader port; the payment app, through the
 * bridge, with a key of its own). Without the key no number can be tried against it, and the key is
 * never beside it: it is derived from the terminal's private key (key.pem, in the certificate folder),
 * not stored in the database. It is stored with the payment and never shown or logged.
 */

/** The key of the identities this terminal makes, derived (HKDF-SHA256) from its private key. */
export function cardIdentityKey(privateKeyPem: string): Buffer {
  const material = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'eposd card identity/1', 32));
}

/** A card's identity: 43 characters of base64url, the same for the same card under the same key. */
export const cardIdentity = (key: Buffer, pan: string): string => createHmac('sha256', key).update(pan.replace(/\D/g, '')).digest('base64url');
