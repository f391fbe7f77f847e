import { Type, type Static, type TProperties, type TUnion } from '@sinclair/typebox';
import { LOCALES } from '../i18n';
import { Nullable, PrintableText, StringEnum } from '../shared/schema-types';
import { Tid } from '../transactions/transactions.schemas';
import { DEFAULT_TIMEOUT_S, PROMPT_REASONS, PROMPT_STATUSES, PROMPT_TYPES } from './model';

/*
 * A prompt (POST /prompt): the POS asks the cardholder something on the terminal's screen, between
 * payments, as Stripe's collect_inputs, Adyen's InputRequest and Square's checkout-independent actions do.
 */

export const PromptId = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'must be 1-64 of A-Z a-z 0-9 -', example: 'bag-order-42' });

const common = {
  promptId: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'must be 1-64 of A-Z a-z 0-9 -: an id of your choosing (recommended), so that a retry is safe', example: 'bag-order-42' }),
  ),
  title: PrintableText({ minLength: 1, maxLength: 100, description: 'must be 1-100 printable characters: the question', example: 'Add a bag for 0.10?' }),
  body: Type.Optional(PrintableText({ minLength: 1, maxLength: 500, description: 'must be 1-500 printable characters: more words under the question' })),
  required: Type.Optional(Type.Boolean({ description: 'true: the cardholder cannot skip it (default false: a Skip button)' })),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 900, description: `must be a whole number of seconds from 5 to 900 (default ${DEFAULT_TIMEOUT_S})` })),
  locale: Type.Optional(StringEnum(LOCALES, { description: `must be one of ${LOCALES.join(', ')}`, example: 'es' })),
};

const kind = <T extends string, F extends TProperties = Record<never, never>>(type: T, fields?: F) =>
  Type.Object({ type: Type.Literal(type), ...common, ...(fields ?? ({} as F)) }, { additionalProperties: false });

export const SelectOption = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'must be 1-40 of A-Z a-z 0-9 _ -: what the answer names' }),
    label: PrintableText({ minLength: 1, maxLength: 60, description: 'must be 1-60 printable characters: what the cardholder reads' }),
  },
  { additionalProperties: false },
);

const PROMPT_KINDS = [
  kind('confirm'),
  kind('select', {
    options: Type.Array(SelectOption, { minItems: 2, maxItems: 8, description: 'must be 2 to 8 options with different ids' }),
    multiple: Type.Optional(Type.Boolean({ description: 'true: one or several may be chosen (default false: exactly one)' })),
  }),
  kind('text', { maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'must be 1 to 500: the longest answer (default 200)' })) }),
  kind('email'),
  kind('phone', {
    callingCode: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'must be a country calling code of 1-3 digits (44, 1, 81): the field starts with it' })),
  }),
  kind('number', {
    min: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12, description: 'the smallest number accepted' })),
    max: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12, description: 'the largest number accepted' })),
    decimals: Type.Optional(Type.Integer({ minimum: 0, maximum: 4, description: 'must be 0 to 4: decimals the cardholder may type (default 0, whole numbers)' })),
    unit: Type.Optional(PrintableText({ minLength: 1, maxLength: 12, description: 'must be 1-12 printable characters: the unit shown beside the field (kg, years)' })),
  }),
  kind('signature'),
];

/** One of the prompt types, told apart by `type`: a mistake is reported for that type's fields alone. */
export const PromptRequest = Type.Unsafe<Static<TUnion<typeof PROMPT_KINDS>>>({
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', description: `must be one of ${PROMPT_TYPES.join(', ')}` } },
  discriminator: { propertyName: 'type' },
  oneOf: PROMPT_KINDS,
});
export type PromptRequest = Static<typeof PromptRequest>;

export const PromptAck = Type.Object(
  {
    promptId: Type.String(),
    type: StringEnum(PROMPT_TYPES),
    expiresAt: Type.String({ format: 'date-time', description: 'when it ends TIMED_OUT unless answered' }),
  },
  { additionalProperties: false },
);
export type PromptAck = Static<typeof PromptAck>;

export const SignatureValue = Type.Object(
  {
    svgPath: Type.String({ description: 'SVG path data of the strokes (M … L …), in the pad’s coordinates' }),
    png: Type.String({ contentEncoding: 'base64', contentMediaType: 'image/png', description: 'the signature drawn in black on white, width × height pixels, base64' }),
    strokes: Type.Integer({ minimum: 1, description: 'how many strokes the cardholder drew' }),
    width: Type.Integer(),
    height: Type.Integer(),
  },
  { additionalProperties: false },
);
export type SignatureValue = Static<typeof SignatureValue>;

export const AnswerValue = Type.Union(
  [
    Type.Boolean({ description: 'confirm: yes (true) or no (false)' }),
    Type.Array(Type.String(), { description: 'select: the ids of the options chosen' }),
    Type.String({ description: 'text, email (normalised: trimmed, the domain in lower case), phone (E.164: +447700900123)' }),
    Type.Number({ description: 'number: in the unit asked, with at most the decimals asked' }),
    SignatureValue,
  ],
  { description: 'ANSWERED, while the answer is kept: its type follows the prompt’s' },
);
export type AnswerValue = Static<typeof AnswerValue>;

const statusFields = {
  promptId: Type.String(),
  type: StringEnum(PROMPT_TYPES),
  registerId: Type.String({ description: 'the register that asked' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
};

export const OpenPrompt = Type.Object({ ...statusFields, status: Type.Literal('OPEN') }, { additionalProperties: false });

export const EndedPrompt = Type.Object(
  {
    ...statusFields,
    status: StringEnum(PROMPT_STATUSES.filter((s) => s !== 'OPEN')),
    statusReason: Nullable(StringEnum(PROMPT_REASONS)),
    endedAt: Type.String({ format: 'date-time' }),
    value: Type.Optional(AnswerValue),
    answerErasedAt: Type.Optional(Type.String({ format: 'date-time', description: 'ANSWERED: when the answer was erased (EPOSD_PROMPT_ANSWER_TTL_S after it came); `value` is gone' })),
  },
  { additionalProperties: false },
);
export type EndedPrompt = Static<typeof EndedPrompt>;
export type OpenPrompt = Static<typeof OpenPrompt>;

export const PromptStartQuery = Type.Object({ tid: Type.Optional(Tid) }, { additionalProperties: false });
export const PromptStatusQuery = Type.Object(
  {
    promptId: PromptId,
    tid: Type.Optional(Tid),
    wait: Type.Optional(Type.String({ pattern: '^([1-9]|[1-5][0-9]|60)$', description: 'must be whole seconds from 1 to 60: hold the answer until the prompt ends' })),
  },
  { additionalProperties: false },
);
export const PromptCancelQuery = Type.Object({ promptId: PromptId, tid: Type.Optional(Tid) }, { additionalProperties: false });
