import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PROTOCOL } from './protocol';

/*
 * @NOTE Who is at the other end (docs/bridge.md). With a shared secret (loopback TCP, where anything on
 * the device can listen on the port first), each side proves it holds the secret without sending it: a
 * challenge–response over fresh nonces from both sides, in both directions.
 *
 *   eposd → app   hello        {nonce: nE}
 *   app → eposd   hello.ok     {nonce: nA, proof: HMAC(secret, "eposd-bridge/2 app"   ‖ nE ‖ nA)}
 *   eposd → app   hello.proof  {proof: HMAC(secret, "eposd-bridge/2 eposd" ‖ nA ‖ nE)}   (only if the app's checked out)
 *   app → eposd   ack
 *
 * A listener that does not hold the secret cannot answer eposd's fresh nonce and learns nothing it can
 * replay (the labels differ by role, and each side's nonce is new every time); eposd sends it no payment
 * message. A client that does not hold it gets nothing from the app past hello.
 */

export type Role = 'app' | 'eposd';

/** 32 random bytes in lowercase hex: a new one for every hello and every hello.ok. */
export const newNonce = (): string => randomBytes(32).toString('hex');

/** What `role` sends to prove it holds the secret: its own label, the other side's nonce first. */
export function proofOf(secret: string, role: Role, nonces: { eposd: string; app: string }): string {
  const [theirs, mine] = role === 'app' ? [nonces.eposd, nonces.app] : [nonces.app, nonces.eposd];
  return createHmac('sha256', secret).update(`${PROTOCOL} ${role}`).update(theirs).update(mine).digest('hex');
}

/** Whether `given` is `role`'s proof, compared in constant time. */
export function provesSecret(given: string | undefined, secret: string, role: Role, nonces: { eposd: string; app: string }): boolean {
  const expected = Buffer.from(proofOf(secret, role, nonces), 'hex');
  const got = Buffer.from(given ?? '', 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
