import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Mosquitto's password file, as `mosquitto_passwd` writes it: one `user:hash` a line, the hash
 * `$7$<iterations>$<salt>$<digest>` (PBKDF2-HMAC-SHA512, base64) or the older `$6$<salt>$<digest>`
 * (SHA-512 of the password and the salt). The embedded broker reads the same file as Mosquitto, and
 * `eposd-relay --add-broker-user` writes lines Mosquitto reads: a shop moves from one broker to the
 * other with its users. Passwords are kept only as these hashes.
 */

export type Passwords = ReadonlyMap<string, string>;

/** Mosquitto 2.0's choice: 101 iterations, a 12-byte salt, a 64-byte digest. */
const ITERATIONS = 101;

export function parsePasswords(text: string): Passwords {
  const users = new Map<string, string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const hash = line.slice(colon + 1);
    if (colon < 1 || !/^\$(7\$\d+\$|6\$)[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(hash))
      throw new Error(`password file line ${index + 1} is not user:$7$… (made by mosquitto_passwd or eposd-relay --add-broker-user)`);
    users.set(line.slice(0, colon), hash);
  });
  return users;
}

function digest(hash: string, password: Buffer): { expected: Buffer; actual: Buffer } {
  const parts = hash.split('$');
  if (parts[1] === '7') {
    const [, , iterations, salt, expected] = parts;
    const want = Buffer.from(expected!, 'base64');
    return { expected: want, actual: pbkdf2Sync(password, Buffer.from(salt!, 'base64'), Number(iterations), want.length, 'sha512') };
  }
  const [, , salt, expected] = parts;
  return {
    expected: Buffer.from(expected!, 'base64'),
    actual: createHash('sha512').update(password).update(Buffer.from(salt!, 'base64')).digest(),
  };
}

export function verifyPassword(passwords: Passwords, username: string | undefined, password: Buffer | undefined): boolean {
  const hash = username === undefined ? undefined : passwords.get(username);
  if (hash === undefined || password === undefined) return false;
  const { expected, actual } = digest(hash, password);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A password file line for `user`, as `mosquitto_passwd` would write it. */
export function passwordLine(user: string, password: string): string {
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, ITERATIONS, 64, 'sha512');
  return `${user}:$7$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
