import { Type } from '@sinclair/typebox';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { VERSION } from '../shared/version';

export const Health = Type.Object({ status: Type.Literal('UP'), version: Type.String(), tid: Type.String() });

/** Liveness for anyone on the network: no token, and nothing beyond that the terminal is up. */
export function healthEndpoints({ tid }: { tid: string }): AnyEndpoint[] {
  return [
    endpoint({
      method: 'GET',
      path: '/health',
      auth: 'none',
      summary: 'Liveness: no token needed',
      responses: { 200: { description: 'The terminal is up', schema: Health } },
      handle: () => ({ body: { status: 'UP', version: VERSION, tid } }),
    }),
  ];
}
