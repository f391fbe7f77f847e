import { Type } from '@sinclair/typebox';
import { StringEnum } from '../shared/schema-types';

const Total = Type.Object({ count: Type.Integer(), amount: Type.Integer() });
const Count = Type.Object({ count: Type.Integer() });

export const Batch = Type.Object({
  batchNumber: Type.Integer(),
  status: StringEnum(['OPEN', 'CLOSED'] as const),
  openedAt: Type.String(),
  closedAt: Type.Optional(Type.String()),
  closedBy: Type.Optional(StringEnum(['POS', 'SCREEN', 'SCHEDULE'] as const)),
  totals: Type.Object({
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
  }),
});
