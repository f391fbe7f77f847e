import { Type, type Static } from '@sinclair/typebox';
import { LOCALES } from '../i18n';
import { PrintableText, StringEnum } from '../shared/schema-types';
import { LineItem } from '../transactions/order';
import { Tid } from '../transactions/transactions.schemas';

/*
 * The customer display (PUT /display): a basket, a message or a QR code that a POS puts on the
 * terminal's screen between payments, as Stripe's set_reader_display and Adyen's DisplayRequest do.
 */

const Minor = (description: string) => Type.Integer({ minimum: 0, maximum: 99_999_999, description: `must be a whole number of minor units from 0 to 99999999: ${description}` });

export const DisplayRequest = Type.Object(
  {
    lineItems: Type.Optional(Type.Array(LineItem, { maxItems: 100, description: 'the basket, as payments take line items: at most 100; a whole new basket each time' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: "must be an ISO 4217 code such as EUR, JPY or KWD (default: the terminal's)", example: 'EUR' })),
    tax: Type.Optional(Minor('tax added on top of the line totals (sales tax); tax included in a line is its taxAmount')),
    total: Type.Optional(Minor('what the basket comes to: the line totals plus tax, else 400 LINE_ITEMS_MISMATCH')),
    message: Type.Optional(PrintableText({ minLength: 1, maxLength: 200, description: 'must be 1-200 printable characters: no control characters (line breaks, tabs, escapes)', example: 'Welcome!' })),
    qr: Type.Optional(
      PrintableText({
        minLength: 1,
        maxLength: 500,
        description: 'must be 1-500 printable characters: the text shown as a QR code (a pay-by-link URL, a loyalty sign-up)',
        example: 'https://example.com/pay/42',
      }),
    ),
    locale: Type.Optional(StringEnum(LOCALES, { description: `must be one of ${LOCALES.join(', ')}`, example: 'de' })),
  },
  { additionalProperties: false, description: 'at least one of lineItems, message and qr' },
);
export type DisplayRequest = Static<typeof DisplayRequest>;

export const DisplayAnswer = Type.Object(
  {
    lineItems: Type.Optional(Type.Array(LineItem)),
    currency: Type.String({ description: 'ISO 4217 code of every amount' }),
    subtotal: Type.Optional(Type.Integer({ description: 'the line totals, added up' })),
    tax: Type.Optional(Type.Integer()),
    total: Type.Optional(Type.Integer({ description: 'subtotal + tax' })),
    message: Type.Optional(Type.String()),
    qr: Type.Optional(Type.String()),
    locale: StringEnum(LOCALES),
    shown: Type.Boolean({ description: 'on the screen now; false while a payment or a prompt has it, or another register set a display since (it comes back after)' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type DisplayAnswer = Static<typeof DisplayAnswer>;

export const DisplayQuery = Type.Object({ tid: Type.Optional(Tid) }, { additionalProperties: false });
