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
export const StatusQuery = Type.Object({ tid: Type.Optional(Tid), uti: Uti }, { additionalProperties: false });

export const Acknowledgement = Type.Object({
  transType: StringEnum(TRANS_TYPES),
  amountTrans: Type.Optional(Amount),
  uti: Uti,
});
export type Acknowledgement = Static<typeof Acknowledgement>;
