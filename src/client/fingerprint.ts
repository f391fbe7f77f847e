import { createHash, type X509Certificate } from 'node:crypto';

/** SHA-256 of the certificate's public key (SPKI, DER) in 64 lowercase hex digits, as eposd writes it. */
export function spkiFingerprint(certificate: X509Certificate): string {
  return createHash('sha256')
    .update(certificate.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Accepts the forms people copy: upper or lower case, with colons or spaces between pairs or groups. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`"${text}" is not a SHA-256 fingerprint (64 hexadecimal digits)`);
  return hex;
}

/**
 * As a person compares it, the same everywhere (the screen page, the `[screen]` and `eposd ready` lines,
 * eposd-pos, the docs): the 64 lowercase hex digits eposd writes.
 */
export function displayFingerprint(fingerprint: string): string {
  return fingerprint.toLowerCase();
}
