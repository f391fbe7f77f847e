import { Type, type Static } from '@sinclair/typebox';
import { ReceiptLine } from '../printer/receipt-line';
import { CVMS, ENTRY_MODES, FINAL_STATUSES, STAGES, STATUSES, TRANS_TYPES } from './model';
import { QueryBoolean, StringEnum } from '../shared/schema-types';
import { MoneyAnswerFields, MoneyRequestFields, RefundedAnswerFields } from './money.schemas';
import { CardAnswerFields } from './card-outcome';
import { METADATA_QUERY, OrderAnswerFields, OrderFields } from './order';

export const Uti = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'must be 1-64 of A-Z a-z 0-9 -', example: 'b3f1c2d4-uti-0001' });
export const Reference = Type.String({ pattern: '^[A-Za-z0-9-]{1,36}$', description: 'must be 1-36 of A-Z a-z 0-9 -', example: 'your-reference' });
export const Amount = Type.Integer({ minimum: 1, maximum: 99_999_999, description: 'must be a whole number of minor units from 1 to 99999999: 1250 for 12.50', example: 1250 });
export const Tid = Type.String({ maxLength: 64 });

export const TransactionRequest = Type.Object(
  {
    transType: StringEnum(TRANS_TYPES),
    amountTrans: Type.Optional(Amount),
    reference: Type.Optional(Reference),
    uti: Type.Optional(Uti),
    ...MoneyRequestFields,
    ...OrderFields,
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
export const PrintQuery = Type.Object({ tid: Type.Optional(Tid), uti: Type.Optional(Uti), copy: Type.Optional(StringEnum(['cardholder', 'merchant'] as const)) }, { additionalProperties: false });
export const EventsQuery = Type.Object({ tid: Type.Optional(Tid) }, { additionalProperties: false });

const IsoDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$',
  description: 'must be an ISO 8601 date or date-time',
});
export const SearchQuery = Type.Object(
  {
    tid: Type.Optional(Tid),
    reference: Type.Optional(Reference),
    status: Type.Optional(StringEnum(STATUSES)),
    type: Type.Optional(StringEnum(TRANS_TYPES)),
    from: Type.Optional(IsoDateTime),
    to: Type.Optional(IsoDateTime),
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: 'must be a whole number from 1 to 100' })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'must be a cursor from a previous page' })),
  },
  { additionalProperties: false, patternProperties: METADATA_QUERY },
);

export const Acknowledgement = Type.Object({
  transType: StringEnum(TRANS_TYPES),
  amountTrans: Type.Optional(Amount),
  uti: Uti,
});
export type Acknowledgement = Static<typeof Acknowledgement>;

// ---- Answers ----

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const InProgressStatus = Type.Object(
  {
    uti: Uti,
    transactionType: StringEnum(TRANS_TYPES),
    transAmount: Type.Integer({ description: 'minor units; for a REVERSAL, the amount voided' }),
    originalUti: NullableString,
    status: Type.Literal('IN_PROGRESS'),
    stage: StringEnum(STAGES),
    reference: NullableString,
    createdAt: Type.String(),
    ...OrderAnswerFields,
  },
  { description: '202: the transaction is still running. There is no transApproved yet.' },
);
export type InProgressStatus = Static<typeof InProgressStatus>;

export const FinalStatus = Type.Object(
  {
    uti: Uti,
    originalUti: NullableString,
    transApproved: Type.Boolean(),
    transCancelled: Type.Boolean(),
    voided: Type.Boolean(),
    transactionType: StringEnum(TRANS_TYPES),
    transAmount: Type.Integer({ description: 'minor units; for a REVERSAL, the amount voided' }),
    authCode: NullableString,
    primaryAccountNumber: Type.Union([Type.String({ pattern: '^[0-9]{2}\\*+[0-9]{4}$' }), Type.Null()], { example: '47**********0010' }),
    transactionDate: Type.String({ example: 'Mon Apr 28 09:27:25 GMT+03:00 2025' }),
    transactionResponse: NullableString,
    transactionSource: StringEnum(ENTRY_MODES),
    applicationId: NullableString,
    appName: NullableString,
    cardholderVerificationMethod: StringEnum(CVMS),
    currencyCode: Type.String(),
    terminalId: Type.String(),
    merchantId: Type.String(),
    signature: Type.Boolean(),
    cardholderReceipt: Type.Array(ReceiptLine),
    merchantReceipt: Type.Array(ReceiptLine),
    status: StringEnum(FINAL_STATUSES),
    statusReason: NullableString,
    reference: NullableString,
    reversed: Type.Boolean({ description: 'the host confirmed a reversal of an authorisation whose answer was lost' }),
    voidedBy: NullableString,
    completedBy: NullableString,
    createdAt: Type.String(),
    completedAt: NullableString,
    ...MoneyAnswerFields,
    ...RefundedAnswerFields,
    ...OrderAnswerFields,
    ...CardAnswerFields,
  },
  { description: '200: the final outcome. Check both the HTTP status and transApproved.' },
);
export type FinalStatus = Static<typeof FinalStatus>;

const Summary = Type.Omit(FinalStatus, ['cardholderReceipt', 'merchantReceipt']);
export const TransactionSummary = Type.Union(
  [Summary, Type.Composite([Type.Omit(Summary, ['transApproved', 'status']), Type.Object({ status: Type.Literal('IN_PROGRESS'), stage: Type.Union([StringEnum(STAGES), Type.Null()]) })])],
  { description: 'A transaction in a list: the status without its receipts; one in progress has its stage and no transApproved.' },
);

export const SearchPage = Type.Object({
  transactions: Type.Array(TransactionSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as cursor for the next page; null on the last page' }),
});

export const PrintAnswer = Type.Object({ uti: Uti, copy: StringEnum(['cardholder', 'merchant'] as const), printed: Type.Boolean() });

export const FeedEventSchema = Type.Object(
  {
    id: Type.Integer(),
    uti: Uti,
    transactionType: StringEnum(TRANS_TYPES),
    transAmount: Type.Integer({ description: 'minor units; for a REVERSAL, the amount voided' }),
    reference: NullableString,
    from: Type.String(),
    state: Type.String(),
    status: StringEnum(STATUSES),
    statusReason: NullableString,
    detail: NullableString,
    at: Type.String(),
  },
  { description: 'The data of each `event: transaction` frame; the frame id is `id`.' },
);
