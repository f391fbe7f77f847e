import { Type, type Static } from '@sinclair/typebox';
import { QueryBoolean, StringEnum } from '../http/schema-types';

export const TRANS_TYPES = ['SALE', 'REFUND', 'PREAUTH', 'COMPLETION', 'REVERSAL'] as const;

export const Uti = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'must be 1-64 of A-Z a-z 0-9 -', example: 'b3f1c2d4-uti-0001' });
export const Reference = Type.String({ pattern: '^[A-Za-z0-9-]{1,36}$', description: 'must be 1-36 of A-Z a-z 0-9 -', example: 'your-reference' });
export const Amount = Type.Integer({ minimum: 1, maximum: 99_999_999, description: 'minor units: 1000 is 10.00', example: 1000 });
export const Tid = Type.String({ maxLength: 64 });

export const TransactionRequest = Type.Object(
  {
    transType: StringEnum(TRANS_TYPES),
    amountTrans: Type.Optional(Amount),
    reference: Type.Optional(Reference),
    uti: Type.Optional(Uti),
  },
  { additionalProperties: false, examples: [{ transType: 'SALE', reference: 'your-reference', amountTrans: 1000 }] },
);
export type TransactionRequest = Static<typeof TransactionRequest>;

export const StartQuery = Type.Object({ tid: Type.Optional(Tid), disablePrinting: Type.Optional(QueryBoolean) }, { additionalProperties: false });
export const StatusQuery = Type.Object(
  { tid: Type.Optional(Tid), uti: Uti, wait: Type.Optional(Type.String({ pattern: '^([1-9]|[1-5][0-9]|60)$', description: 'must be whole seconds from 1 to 60' })) },
  { additionalProperties: false },
);
export const CancelQuery = Type.Object({ tid: Type.Optional(Tid), uti: Uti }, { additionalProperties: false });
export const PrintQuery = Type.Object({ tid: Type.Optional(Tid), uti: Uti, copy: Type.Optional(StringEnum(['cardholder', 'merchant'] as const)) }, { additionalProperties: false });
export const EventsQuery = Type.Object({}, { additionalProperties: false });

const IsoDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$',
  description: 'must be an ISO 8601 date or date-time',
});
export const FINAL_STATUSES = ['IN_PROGRESS', 'APPROVED', 'DECLINED', 'CANCELLED', 'TIMED_OUT', 'FAILED'] as const;
export const SearchQuery = Type.Object(
  {
    reference: Type.Optional(Reference),
    status: Type.Optional(StringEnum(FINAL_STATUSES)),
    type: Type.Optional(StringEnum(TRANS_TYPES)),
    from: Type.Optional(IsoDateTime),
    to: Type.Optional(IsoDateTime),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: 'must be a whole number from 1 to 100' })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'must be a cursor from a previous page' })),
  },
  { additionalProperties: false },
);

export const Acknowledgement = Type.Object({
  transType: StringEnum(TRANS_TYPES),
  amountTrans: Type.Optional(Amount),
  uti: Uti,
});
export type Acknowledgement = Static<typeof Acknowledgement>;
