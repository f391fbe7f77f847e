import { Type, type Static, type TSchema, type TTuple, type TUnsafe } from '@sinclair/typebox';

/** A string that is one of `values`: one enum in the JSON Schema, a union of literals in TypeScript. */
export const StringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}): TUnsafe<T> => Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

/** A query-string flag: "true" or "false". */
export const QueryBoolean = StringEnum(['true', 'false'] as const);

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * An array of exactly these items, in JSON Schema 2020-12 (`prefixItems`): the dialect of OpenAPI 3.1
 * and of the validator. TypeBox's Type.Tuple writes draft-07's `items: [...]`, which 2020-12 reads differently.
 */
export const Tuple = <T extends TSchema[]>(items: [...T], options: Record<string, unknown> = {}): TUnsafe<Static<TTuple<T>>> =>
  Type.Unsafe<Static<TTuple<T>>>({ type: 'array', prefixItems: items, items: false, minItems: items.length, ...options });

/**
 * @NOTE Text that is printed or shown (on a receipt, the printer, the terminal's screen): no C0 or C1
 * control character and no DEL (ESC/POS commands, NUL, line breaks, tabs, ANSI escapes), no line or
 * paragraph separator, no bidirectional embedding, override or isolate (they break or reorder a line
 * on a screen). Any other character of any script is printable. The pattern is in the schema, so the
 * OpenAPI document says it and the request is refused with the field named.
 */
export const PRINTABLE_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$';

/** A string of printable text (PRINTABLE_PATTERN); `description` is also what a refusal says. */
export const PrintableText = (options: { minLength?: number; maxLength: number; description: string; example?: string }) => Type.String({ ...options, pattern: PRINTABLE_PATTERN });
