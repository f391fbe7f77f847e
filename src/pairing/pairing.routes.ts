import { endpoint, type AnyEndpoint } from '../http/endpoint';
import type { PairingService } from './pairing.service';
import { PairingAnswer, PairingInput } from './pairing.schemas';

export function pairingEndpoints({ pairing, pairRateLimit }: { pairing: PairingService; pairRateLimit: number }): AnyEndpoint[] {
  const paired = async (input: Parameters<PairingService['resolveAndPair']>[0]) => {
    const answer = await pairing.resolveAndPair(input);
    return { body: answer, audit: { actor: answer.registerId, role: answer.role } };
  };
  const pairs = { auth: 'none', audit: 'pairing', ratePerMinute: pairRateLimit, errors: ['PAIRING_FAILED', 'RATE_LIMITED'] } as const;
  return [
    endpoint({
      method: 'GET',
      path: '/pair',
      ...pairs,
      summary: 'Pair a POS (or a technician) with the code shown on the terminal',
      responses: { 200: { description: 'Paired: keep authToken secret and pin certificateFingerprint', schema: PairingAnswer } },
      query: PairingInput,
      handle: ({ query }) => paired(query),
    }),
    endpoint({
      method: 'POST',
      path: '/pair',
      ...pairs,
      summary: 'Pair, with the same fields as JSON',
      responses: { 200: { description: 'Paired', schema: PairingAnswer } },
      body: PairingInput,
      handle: ({ body }) => paired(body),
    }),
    endpoint({
      method: 'DELETE',
      path: '/pair',
      auth: 'token',
      audit: 'unpair',
      summary: 'Unpair the caller: its token stops working',
      responses: { 204: { description: 'Unpaired' } },
      handle: ({ caller }) => {
        pairing.unpair(caller.registerId!);
        return { status: 204 };
      },
    }),
  ];
}
