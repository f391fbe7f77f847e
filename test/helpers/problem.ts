import type { Response } from 'supertest';

export interface Problem {
  type: string;
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

/** Asserts the contract's error shape (SPEC §3) and returns the body for further checks. */
export function expectProblem(res: Pick<Response, 'status' | 'headers' | 'body' | 'text'>, status: number, code: string): Problem {
  expect({ status: res.status, code: (res.body as Problem)?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.body as Problem;
  expect(body.status).toBe(status);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  // Never a stack trace, a source path or a framework banner.
  expect(res.text).not.toMatch(/\bat \S+ \(|\.(?:js|ts):\d+|node_modules|\bstack\b|express/i);
  return body;
}
