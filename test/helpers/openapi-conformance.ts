// Loaded by jest before every test file (setupFilesAfterEnv): every response that a test receives
// through supertest from the API app is checked against the OpenAPI document that this very app
// serves. A status, content type or body the document does not describe fails the test.
import Ajv, { type ValidateFunction } from 'ajv/dist/2020';
import { Test } from 'supertest';
import { BASE_PATH } from '../../src/app';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>> };

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new Map<object, ValidateFunction>();
const validatorFor = (schema: object) => compiled.get(schema) ?? compiled.set(schema, ajv.compile(schema)).get(schema)!;

const GENERIC_PROBLEM = { type: 'object', required: ['status', 'code', 'title', 'detail'] };

/** What is wrong with this response according to the document, or undefined. */
export function nonConformance(doc: Doc, method: string, url: string, status: number, contentType: string | undefined, body: unknown): string | undefined {
  const path = new URL(url, 'http://x').pathname;
  if (!path.startsWith(BASE_PATH)) return undefined;
  const media = (contentType ?? '').split(';')[0]!.trim();
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) {
    // Unknown routes and methods: documented once for every path, as problem+json 404 / 405.
    if ((status === 404 || status === 405) && media === 'application/problem+json') return validatorFor(GENERIC_PROBLEM)(body) ? undefined : `${status} is not a problem`;
    return `${method} ${path} answered ${status}, but the document has no such operation`;
  }
  const response = op.responses[String(status)];
  if (!response) return `${method} ${path} answered ${status}, which the document does not list`;
  if (!response.content) return undefined;
  const declared = response.content[media];
  if (!declared) return `${method} ${path} ${status} answered ${media || 'no content type'}, the document says ${Object.keys(response.content).join(', ')}`;
  if (media === 'text/event-stream' || !declared.schema) return undefined;
  const validate = validatorFor(declared.schema);
  return validate(body) ? undefined : `${method} ${path} ${status} body does not match the document: ${ajv.errorsText(validate.errors)}`;
}

type Assert = (
  this: Test & { method: string; url: string; app?: { locals?: { openapi?: Doc } } },
  err: unknown,
  res: { status: number; headers: Record<string, string>; body: unknown } | undefined,
  fn: (err: unknown, res: unknown) => void,
) => void;
const proto = Test.prototype as unknown as { assert: Assert };
const original = proto.assert;
proto.assert = function (err, res, fn) {
  // Only the API app has a document; the screen app and plain servers are not checked here.
  const doc = this.app?.locals?.openapi;
  const problem = res && doc && nonConformance(doc, this.method, this.url, res.status, res.headers['content-type'], res.body);
  if (problem) return fn.call(this, new Error(`OpenAPI conformance: ${problem}`), res);
  return original.call(this, err, res, fn);
};
