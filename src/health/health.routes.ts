import { Type } from '@sinclair/typebox';
import type { StorageHealth } from '../db/storage-health';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { VERSION } from '../shared/version';

export const Health = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DEGRADED')], { description: 'DEGRADED: up, answering reads, but taking no new payments (see problems)' }),
  version: Type.String(),
  tid: Type.String(),
  problems: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Codes of what is wrong, e.g. STORAGE_CORRUPT; with EPOSD_DRIVER=bridge, PAYMENT_APP_UNAVAILABLE, PAYMENT_APP_RECONCILING, PAYMENT_APP_INCOMPATIBLE or PAYMENT_APP_UNTRUSTED',
    }),
  ),
});

/** Liveness for anyone on the network: no token, and nothing beyond that the terminal is up (and whether it takes payments, and if not why). */
export function healthEndpoints({
  tid,
  storage,
  paymentApp,
}: {
  tid: string;
  storage: Pick<StorageHealth, 'corrupt'>;
  /** EPOSD_DRIVER=bridge: why payments cannot be taken through the payment app now, if they cannot. */
  paymentApp?: { problem(): string | undefined };
}): AnyEndpoint[] {
  const problems = () => [...(storage.corrupt ? ['STORAGE_CORRUPT'] : []), ...[paymentApp?.problem()].filter((p) => p !== undefined)];
  return [
    endpoint({
      method: 'GET',
      path: '/health',
      auth: 'none',
      summary: 'Liveness: no token needed',
      responses: { 200: { description: 'The terminal is up', schema: Health } },
      handle: () => {
        const now = problems();
        return { body: { status: now.length > 0 ? 'DEGRADED' : 'UP', version: VERSION, tid, ...(now.length > 0 ? { problems: now } : {}) } };
      },
    }),
  ];
}
