import { createCipheriv, createDecipheriv, createPrivateKey, hkdfSync, randomBytes } from 'node:crypto';

/**
 * @NOTE A prompt's answer is personal data (an email, a phone number, a signature): it is written to
 * the database only sealed with AES-256-GCM, under a key derived from the terminal's private key
 * (key.pem, which is not in the database), bound to its prompt's id. The database file, its
 * write-ahead log, a backup or a recovered copy never hold an answer in clear; erasing the sealed
 * answer (prompts.repository.ts) removes the only copy.
 */
export class AnswerBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the answer key must be 32 bytes');
  }

  seal(promptId: string, value: unknown): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(promptId, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** The answer, or undefined when it does not open under this key (another terminal's key, damage). */
  open(promptId: string, sealed: Buffer): unknown {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12)).setAAD(Buffer.from(promptId, 'utf8'));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8'));
    } catch {
      return undefined;
    }
  }
}

/** The answers' key, from the terminal's private key (PEM): the same across restarts, another for another label. */
export function promptAnswerKey(privateKeyPem: string): Buffer {
  const material = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'eposd prompt answers/1', 32));
}
