import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { Static, TSchema } from '@sinclair/typebox';
import { closestName } from '../shared/closest';
import { ValidationError, type FieldError } from '../shared/errors';

// One ajv for every schema. No coercion and no defaults: what the client sent is what is checked.
// The schemas are eposd's own, built by TypeBox and checked against JSON Schema by the OpenAPI test:
// checking them again against the meta-schema would compile it at every start (a tenth of the start),
// and without that check ajv needs no meta-schema at all (`meta: false`: 5 ms of a start, and its heap).
const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, coerceTypes: false, useDefaults: false, validateSchema: false, meta: false, discriminator: true });
ajv.addKeyword('example');

function fieldOf(e: ErrorObject, where: string): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return [path, String(e.params.additionalProperty)].filter(Boolean).join('.');
  if (e.keyword === 'required') return [path, String(e.params.missingProperty)].filter(Boolean).join('.');
  if (e.keyword === 'discriminator') return [path, String(e.params.tag)].filter(Boolean).join('.');
  return path || where;
}

/** JSON's name for a value's type, as a developer reads it: "a string", "null". */
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/** "must be a number, not a string": when what was sent is of another JSON type than the schema's. */
function typeMismatch(e: ErrorObject): string | undefined {
  if (e.keyword !== 'type') return undefined;
  const expected = String(e.params.type).split(',')[0] === 'integer' ? 'number' : String(e.params.type).split(',')[0]!;
  const sent = jsonType(e.data);
  return sent === `a ${expected}` ? undefined : `must be ${expected === 'array' || expected === 'object' ? 'an' : 'a'} ${expected}, not ${sent}`;
}

function messageOf(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const meant = closestName(String(e.params.additionalProperty), known);
      return `is not a known field${meant ? `: did you mean ${meant}?` : ''}`;
    }
    case 'required':
      return 'is required';
    case 'pattern':
      return (e.parentSchema as { description?: string } | undefined)?.description ?? 'has the wrong format';
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'enum': {
      // A field whose description says what it must be answers with it: "must be … minor units",
      // after the type that was wrong, when it was: "must be a number, not a string: …".
      const said = (e.parentSchema as { description?: string } | undefined)?.description;
      const mismatch = typeMismatch(e);
      if (said?.startsWith('must ')) return mismatch ? `${mismatch}: ${said.replace(/^must be /, '')}` : said;
      return mismatch ?? e.message ?? 'is not valid';
    }
    case 'discriminator':
      // The tag's own description says what it must be ("must be one of confirm, select, …").
      if (e.params.error !== 'mapping') return e.message ?? 'is not valid';
      return (e.parentSchema as { properties?: Record<string, { description?: string }> } | undefined)?.properties?.[String(e.params.tag)]?.description ?? 'is not a known action';
    default:
      return e.message ?? 'is not valid';
  }
}

export function toFieldErrors(errors: ErrorObject[] | null | undefined, where: string): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const fe = { field: fieldOf(e, where), message: messageOf(e) };
    const key = `${fe.field}|${fe.message}`;
    if (seen.has(key)) continue;
    out.push(fe);
    seen.add(key);
  }
  return out.length > 0 ? out : [{ field: where, message: 'is not valid' }];
}

// Compiling every schema takes a sixth of the start: it is done just after, one schema per turn of
// the event loop, or at the first use of a checker, whichever comes first.
const uncompiled: (() => unknown)[] = [];
function compileLater(compile: () => unknown): void {
  if (uncompiled.push(compile) > 1) return;
  const next = () => {
    uncompiled.shift()?.();
    if (uncompiled.length > 0) setImmediate(next).unref();
  };
  setImmediate(next).unref();
}

// One compiled validator per schema, however many checkers use it.
const compiledOf = new WeakMap<TSchema, () => ValidateFunction>();
function compilerOf(schema: TSchema): () => ValidateFunction {
  let compile = compiledOf.get(schema);
  if (!compile) {
    let validate: ValidateFunction | undefined;
    compile = () => (validate ??= ajv.compile(schema));
    compiledOf.set(schema, compile);
    compileLater(compile);
  }
  return compile;
}

/** A checker built once from a schema: returns the typed value or throws a 400 with field errors. */
export function checker<S extends TSchema>(schema: S, where: 'body' | 'query'): (value: unknown) => Static<S> {
  const compiled = compilerOf(schema);
  return (value) => {
    const v = compiled();
    if (!v(value)) throw new ValidationError(toFieldErrors(v.errors, where));
    return value;
  };
}
