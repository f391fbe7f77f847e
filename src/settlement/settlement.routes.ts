import { Type } from '@sinclair/typebox';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { Tid } from '../transactions/transactions.schemas';
import { Batch } from './settlement.schemas';
import type { SettlementService } from './settlement.service';

const SettlementQuery = Type.Object({ tid: Type.Optional(Tid) }, { additionalProperties: false });

export function settlementEndpoints({ settlement }: { settlement: SettlementService }): AnyEndpoint[] {
  return [
    endpoint({
      method: 'GET',
      path: '/settlement',
      auth: 'pos',
      tid: true,
      summary: 'The open batch: counts and totals per type, and the net',
      responses: { 200: { description: 'The open batch', schema: Batch } },
      errors: ['TID_MISMATCH'],
      query: SettlementQuery,
      handle: () => ({ body: settlement.current() }),
    }),
    endpoint({
      method: 'POST',
      path: '/settlement',
      auth: 'pos',
      tid: true,
      audit: 'settlement.close',
      summary: 'Close the batch (end of day): prints a Z report and answers the closed batch',
      responses: { 200: { description: 'The closed batch', schema: Batch } },
      errors: ['TID_MISMATCH', 'TERMINAL_BUSY'],
      query: SettlementQuery,
      handle: () => ({ body: settlement.close('POS') }),
    }),
  ];
}
