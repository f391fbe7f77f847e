// A tiny HTTPS/HTTP client over keep-alive agents: one request at a time per call, timed by the caller.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

const REQUEST_TIMEOUT_MS = 90_000;

/** A keep-alive agent for one POS: the bench trusts the self-signed certificate of 127.0.0.1. */
export const httpsAgent = (maxSockets = 1) => new HttpsAgent({ keepAlive: true, maxSockets, rejectUnauthorized: false });
const screenAgent = new HttpAgent({ keepAlive: true });

/** One request; resolves with the status, the parsed body, the text and the instant (wall clock, ms with a fraction) the answer was read. */
export function call(agent, method, url, { token, body } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = token;
  if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  const https = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, { method, headers, agent: https ? agent : screenAgent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        // The wall clock to the microsecond (Date.now() has whole milliseconds).
        const at = performance.timeOrigin + performance.now();
        let parsed;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode, body: parsed, text, at });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(Object.assign(new Error(`${method} ${url}: ${err.message}`), { code: err.code })));
    req.end(payload);
  });
}

export async function getJson(url) {
  const res = await call(undefined, 'GET', url);
  return res.body;
}

export async function postJson(url, body) {
  const res = await call(undefined, 'POST', url, { body });
  if (res.status >= 300) throw new Error(`POST ${url} answered ${res.status}: ${res.text}`);
  return res.body;
}

export function destroyScreenAgent() {
  screenAgent.destroy();
}
