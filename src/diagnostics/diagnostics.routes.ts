import { Type } from '@sinclair/typebox';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import type { DiagnosticsService } from './diagnostics.service';

const Section = Type.Object({}, { additionalProperties: true });
export const Diagnostics = Type.Object(
  {
    identity: Section,
    version: Type.String(),
    uptimeSeconds: Type.Integer(),
    clock: Section,
    network: Section,
    certificate: Section,
    database: Section,
    transactions: Section,
    reader: Section,
    paymentApp: Type.Object(
      { driver: Type.String({ description: '`simulator` or `bridge`' }) },
      {
        additionalProperties: true,
        description:
          'The bridge driver: state (CONNECTING, CONNECTED, DISCONNECTED, INCOMPATIBLE, UNTRUSTED), readiness (READY or why not), protocol version, the payment app, reconciling, lastError, counters (connectAttempts, connects, malformed, unmatchedReplies, timeouts, lateApprovals, refused) and refusals by reason',
      },
    ),
    printer: Section,
    currentTransaction: Type.Union([Section, Type.Null()]),
    batch: Section,
    registers: Type.Array(Section),
    webhooks: Section,
    process: Section,
    audit: Type.Array(Section),
  },
  { description: 'Never contains a token, a token hash, a webhook secret or a card number.' },
);
export const SelfTest = Type.Object({
  ok: Type.Boolean(),
  checks: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), ms: Type.Number(), detail: Type.String() })),
});

/** For a technician's token only. */
export function diagnosticsEndpoints({ diagnostics }: { diagnostics: DiagnosticsService }): AnyEndpoint[] {
  return [
    endpoint({
      method: 'GET',
      path: '/diagnostics',
      auth: 'technician',
      audit: 'diagnostics.read',
      summary: "The terminal's health, for a technician token",
      responses: { 200: { description: 'Diagnostics', schema: Diagnostics } },
      handle: async () => ({ body: await diagnostics.report() }),
    }),
    endpoint({
      method: 'POST',
      path: '/diagnostics/self-test',
      auth: 'technician',
      audit: 'diagnostics.self-test',
      summary: 'Check the database, the reader and the printer',
      responses: { 200: { description: 'The result of each check; ok is false when any failed', schema: SelfTest } },
      handle: async () => ({ body: await diagnostics.selfTest() }),
    }),
  ];
}
