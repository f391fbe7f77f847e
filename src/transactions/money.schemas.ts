import { Type } from '@sinclair/typebox';

/** Payment breadth's money fields of POST /transaction (docs/payments.md): each optional, each additive. */
const Minor = (description: string) => Type.Integer({ minimum: 0, maximum: 99_999_999, description: `minor units of the currency; ${description}` });

export const MoneyRequestFields = {
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'must be an ISO 4217 code such as EUR, JPY or KWD', example: 'EUR' })),
  tipAmount: Type.Optional(Minor('the tip, charged on top of amountTrans (SALE, PREAUTH, COMPLETION)')),
  tipOnTerminal: Type.Optional(Type.Boolean({ description: 'the terminal asks the cardholder for a tip before the card (SALE, PREAUTH)' })),
  tipPercentages: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { minItems: 1, maxItems: 3, description: 'must be 1 to 3 whole percentages from 1 to 100 (default 10, 15, 20)' }),
  ),
  cashbackAmount: Type.Optional(Type.Integer({ minimum: 1, maximum: 99_999_999, description: 'minor units of cash given to the cardholder (SALE)' })),
  originalUti: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'must be 1-64 of A-Z a-z 0-9 -: the sale refunded (REFUND) or the pre-authorisation raised (INCREMENT)' })),
  allowPartialApproval: Type.Optional(Type.Boolean({ description: 'the host may approve less than asked (SALE, PREAUTH)' })),
};

/** What the final answer adds when a transaction used any of them (and only then). */
export const MoneyAnswerFields = {
  currency: Type.Optional(Type.String({ description: 'ISO 4217 code of every amount of this transaction' })),
  tipAmount: Type.Optional(Type.Integer()),
  cashbackAmount: Type.Optional(Type.Integer()),
  totalAmount: Type.Optional(Type.Integer({ description: 'transAmount + tipAmount + cashbackAmount: what was asked of the card' })),
  amountAuthorised: Type.Optional(Type.Integer({ description: 'what the host approved: totalAmount unless partialApproval' })),
  partialApproval: Type.Optional(Type.Boolean({ description: 'the host approved less than totalAmount: take the rest another way' })),
};

/** A SALE's or COMPLETION's status once linked refunds have given money back from it (and only then). */
export const RefundedAnswerFields = {
  amountRefunded: Type.Optional(Type.Integer({ minimum: 1, description: 'minor units given back by the approved linked REFUNDs that stand (not voided)' })),
  refunds: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), { minItems: 1, description: 'the UTIs of those REFUNDs, oldest first' })),
};
