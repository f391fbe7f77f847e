import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** A string that is one of `values`: one enum in the JSON Schema, a union of literals in TypeScript. */
export const StringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}): TUnsafe<T> =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

/** A query-string flag: "true" or "false". */
export const QueryBoolean = StringEnum(['true', 'false'] as const);

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
