import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';
import { nonConformance } from '../../helpers/openapi-conformance';
import { INSTANT_SIMULATOR_ENV, getStatus, payAndWait } from '../../helpers/payments';

type Doc = {
  openapi: string;
  components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
  paths: Record<
    string,
    Record<string, { security: unknown[]; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: { content: Record<string, { schema: { examples?: unknown[] } }> } }>
  >;
};

type Validation = { valid: boolean; version?: string; errors: unknown[] };

const t = useApi({ env: INSTANT_SIMULATOR_ENV, perFile: true });
const dir = mkdtempSync(join(tmpdir(), 'eposd-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the official OpenAPI 3.1 schema over a document (scripts/validate-openapi.mjs; the validator is ESM-only). */
function validate(document: unknown): Validation {
  const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document));
  try {
    return JSON.parse(execFileSync(process.execPath, ['scripts/validate-openapi.mjs', file], { encoding: 'utf8' })) as Validation;
  } catch (err) {
    return JSON.parse((err as { stdout: string }).stdout) as Validation;
  }
}

describe('GET /payntpos/1.0.0/openapi.json', () => {
  let doc: Doc;
  beforeAll(async () => {
    const res = await request(t.app).get(`${BASE_PATH}/openapi.json`).expect(200);
    doc = res.body as Doc;
  });

  it('answers without a token, as OpenAPI 3.1 that the official schema accepts', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(validate(doc)).toEqual({ valid: true, version: '3.1.0', errors: [] });
  });

  it('is refused by the same validator once it is broken, so the check above can fail', () => {
    const broken = JSON.parse(JSON.stringify(doc)) as Doc & { info?: unknown };
    delete broken.info;
    (broken.paths[`${BASE_PATH}/transaction`]!.post as { responses: unknown }).responses = 'none';
    expect(validate(broken).valid).toBe(false);
  });

  it('writes its schemas in JSON Schema 2020-12, the dialect of OpenAPI 3.1: no draft-07 tuple (items as a list, additionalItems)', () => {
    const draft07: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (node === null || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (Array.isArray(o.items) || 'additionalItems' in o) draft07.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    walk(doc.paths, '#/paths');
    expect(draft07).toEqual([]);
  });

  it('covers every route and method that the app mounts', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    for (const expected of [
      'POST /transaction',
      'GET /transaction',
      'DELETE /transaction',
      'GET /transactions',
      'POST /print',
      'GET /events',
      'GET /settlement',
      'POST /settlement',
      'GET /pair',
      'POST /pair',
      'DELETE /pair',
      'GET /diagnostics',
      'POST /diagnostics/self-test',
      'GET /health',
      'GET /openapi.json',
    ]) {
      const [method, path] = expected.split(' ');
      expect(documented).toContain(`${method} ${BASE_PATH}${path}`);
    }
  });

  it('describes the token header, and 401 on every operation that needs it', () => {
    expect(doc.components.securitySchemes.authToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.security.length > 0) expect({ op: `${method} ${path}`, has401: '401' in op.responses }).toEqual({ op: `${method} ${path}`, has401: true });
      }
    }
  });

  it('gives every error status a problem+json body, and carries the Paynt sale example', () => {
    const post = doc.paths[`${BASE_PATH}/transaction`]!.post!;
    for (const status of ['400', '401', '403', '404', '409', '422', '500', '503']) {
      expect(Object.keys(post.responses[status]?.content ?? {})).toEqual(['application/problem+json']);
    }
    expect(post.requestBody!.content['application/json']!.schema.examples).toContainEqual({ transType: 'SALE', reference: 'your-reference', amountTrans: 1000 });
  });
});

describe('the conformance check run on every HTTP test', () => {
  /** The document the app serves, as the conformance check reads it. */
  let doc: Parameters<typeof nonConformance>[0];
  beforeAll(() => {
    doc = t.app.locals.openapi as typeof doc;
  });

  it('when a status is not in the document, then it names the operation and the status', () => {
    expect(nonConformance(doc, 'GET', `${BASE_PATH}/health`, 418, 'application/json', {})).toMatch(/GET \/payntpos\/1\.0\.0\/health answered 418/);
  });

  it('when a receipt line of a real sale has the wrong shape, then the 2020-12 tuple refuses it', async () => {
    const token = await t.pairPos();
    const { uti } = await payAndWait(t.app, t.ctx, token, { transType: 'SALE', amountTrans: 1000 });
    const status = bodyOf<FinalStatus>(await getStatus(t.app, token, uti));
    const check = (body: unknown) => nonConformance(doc, 'GET', `${BASE_PATH}/transaction?uti=${uti}`, 200, 'application/json', body);
    expect(check(status)).toBeUndefined();
    const withLine = (line: unknown) => ({ ...status, merchantReceipt: [...status.merchantReceipt, line] });
    expect(check(withLine(['TOTAL', '1', 'L', 'N']))).toBeUndefined();
    expect(check(withLine(['TOTAL', '1', 'L', 'N', 'extra']))).toMatch(/does not match/);
    expect(check(withLine(['TOTAL', '1', 'L']))).toMatch(/does not match/);
    expect(check(withLine(['TOTAL', '0', 'L', 'N']))).toMatch(/does not match/);
    expect(check(withLine(['TOTAL', '1', 'N', 'L']))).toMatch(/does not match/);
  });

  it('when a body does not match its schema, then it says so', () => {
    expect(nonConformance(doc, 'GET', `${BASE_PATH}/health`, 200, 'application/json', { status: 'DOWN' })).toMatch(/does not match/);
    expect(nonConformance(doc, 'GET', `${BASE_PATH}/health`, 200, 'application/json', { status: 'UP', version: '1', tid: '1' })).toBeUndefined();
  });
});
