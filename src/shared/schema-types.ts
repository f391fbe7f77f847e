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
