import { Type } from '@sinclair/typebox';
import type { StorageHealth } from '../db/storage-health';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { VERSION } from '../shared/version';

export const Health = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DEGRADED')], { description: 'DEGRADED: up, answering reads, but taking no new payments (see problems)' }),
  version: Type.String(),
  tid: Type.String(),
  problems: Type.Optional(Type.Array(Type.String(), { description: 'Error codes of what is wrong, e.g. STORAGE_CORRUPT' })),
});

/** Liveness for anyone on the network: no token, and nothing beyond that the terminal is up (and whether it takes payments). */
export function healthEndpoints({ tid, storage }: { tid: string; storage: Pick<StorageHealth, 'corrupt'> }): AnyEndpoint[] {
  return [
    endpoint({
      method: 'GET',
      path: '/health',
      auth: 'none',
      summary: 'Liveness: no token needed',
      responses: { 200: { description: 'The terminal is up', schema: Health } },
      handle: () => ({ body: { status: storage.corrupt ? 'DEGRADED' : 'UP', version: VERSION, tid, ...(storage.corrupt ? { problems: ['STORAGE_CORRUPT'] } : {}) } }),
    }),
  ];
}
