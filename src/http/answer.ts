import type { ServerResponse } from 'node:http';
import type { Answer } from './endpoint';
import type { HeaderList } from './headers';
import { jsonBytes } from './json';

/** Writes an answer with the recorded headers; JSON bodies as JSON, problems as problem+json. */
export function writeAnswer(res: ServerResponse, headers: HeaderList, answer: Exclude<Answer, { stream: unknown }>): void {
  const status = answer.status ?? 200;
  const list = [...headers];
  for (const [name, value] of Object.entries(answer.headers ?? {})) list.push(name, value);
  if (answer.body === undefined) {
    res.writeHead(status, list);
    res.end();
    return;
  }
  const json = jsonBytes(answer.body);
  const type = status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8';
  list.push('Content-Type', type, 'Content-Length', String(json.length));
  res.writeHead(status, list);
  res.end(json);
}
