import { Type } from '@sinclair/typebox';
import { StringEnum } from '../shared/schema-types';

const Total = Type.Object({ count: Type.Integer(), amount: Type.Integer() });
const Count = Type.Object({ count: Type.Integer() });

const Totals = Type.Object(
  {
    currency: Type.String(),
    sales: Total,
    refunds: Total,
    preauths: Total,
    completions: Total,
    voided: Total,
    reversals: Count,
    declined: Count,
    notCompleted: Count,
    net: Type.Integer({ description: 'sales + completions - refunds, voided ones excluded' }),
    increments: Type.Optional(Total),
    tips: Type.Optional(Total),
    cashback: Type.Optional(Total),
  },
  { description: "one currency's totals, in its minor units; amounts are what was charged (tips and cashback included, a partial approval's part)" },
);

export const Batch = Type.Object({
  batchNumber: Type.Integer(),
  status: StringEnum(['OPEN', 'CLOSED'] as const),
  openedAt: Type.String(),
  closedAt: Type.Optional(Type.String()),
  closedBy: Type.Optional(StringEnum(['POS', 'SCREEN', 'SCHEDULE'] as const)),
  totals: Totals,
  totalsByCurrency: Type.Optional(Type.Array(Totals, { description: "each currency's totals, the terminal's own first; only when the batch holds more than one currency" })),
});
