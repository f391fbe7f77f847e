import { Router } from 'express';
import type { AppContext } from '../context';
import { Type } from '@sinclair/typebox';
import { endpoint, route } from '../http/route';

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
export function diagnosticsRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/diagnostics', {
    GET: endpoint({
      summary: 'The terminal\'s health, for a technician token',
      responses: { 200: { description: 'Diagnostics', schema: Diagnostics } },
      before: [ctx.auth.technician, ctx.audited('diagnostics.read')], handle: async (_i, _req, res) => res.json(await ctx.diagnostics.report()) }),
  });
  route(router, '/diagnostics/self-test', {
    POST: endpoint({
      summary: 'Check the database, the reader and the printer',
      responses: { 200: { description: 'The result of each check; ok is false when any failed', schema: SelfTest } },
      before: [ctx.auth.technician, ctx.audited('diagnostics.self-test')],
      handle: async (_i, _req, res) => {
        res.json(await ctx.diagnostics.selfTest());
      },
    }),
  });
  return router;
}
