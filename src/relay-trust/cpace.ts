import { createHash, randomBytes } from 'node:crypto';
import { RistrettoPoint, ristretto255_hasher } from '@noble/curves/ed25519';

type RistrettoPoint = InstanceType<typeof RistrettoPoint>;
import { framed } from './encoding';

// CPace (draft-irtf-cfrg-cpace) on ristretto255, over the pairing code: a password-authenticated key
// exchange. The group operations and the hash to the curve (RFC 9380) are @noble/curves'; what is
// written here is only the protocol's order of calls. A party that does not know the code gets one
// guess per session it takes part in, and nothing it can test offline.

const LABEL = 'eposd-relay-cpace-v1';

/** The session's generator: the code, the TID and the session id hashed to a point. */
function generator(code: string, tid: string, sid: Uint8Array): RistrettoPoint {
  // The hasher is typed with the generic hash-to-curve point; for ristretto255 it answers a RistrettoPoint.
  return ristretto255_hasher.hashToCurve(framed(code, tid, sid), { DST: `${LABEL}-generator` }) as unknown as RistrettoPoint;
}

export interface CpaceShare {
  /** The secret scalar: never leaves this process. */
  secret: bigint;
  /** What is sent: the scalar times the generator, 32 bytes. */
  share: Buffer;
}

/** One side's secret and public share for a session. */
export function cpaceShare(code: string, tid: string, sid: Uint8Array): CpaceShare {
  // A uniform scalar from 64 random bytes, reduced by the library (never 0 in practice; checked).
  const secret = ristretto255_hasher.hashToScalar(randomBytes(64), { DST: `${LABEL}-scalar` });
  if (secret === 0n) throw new Error('CPace: zero scalar');
  return { secret, share: Buffer.from(generator(code, tid, sid).multiply(secret).toBytes()) };
}

/**
 * The intermediate session key (64 bytes), from one side's secret and the other's share; undefined
 * when the peer's share is not a valid point or leads to the identity (a peer that sent garbage).
 * `ya` is the initiator's (the POS's) share and `yb` the responder's, on both sides.
 */
export function cpaceKey(secret: bigint, peerShare: Uint8Array, sid: Uint8Array, ya: Uint8Array, yb: Uint8Array): Buffer | undefined {
  let k;
  try {
    k = RistrettoPoint.fromBytes(peerShare).multiply(secret);
  } catch {
    return undefined;
  }
  if (k.equals(RistrettoPoint.ZERO)) return undefined;
  return createHash('sha512')
    .update(framed(`${LABEL}-isk`, sid, k.toBytes(), ya, yb))
    .digest();
}
