import type { MqttClient } from 'mqtt';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { RunningGateway } from '../../../src/relay-gateway/gateway';
import { presenceTopic, requestTopic } from '../../../src/relay/topics';
import { httpsJson } from '../../helpers/http';
import { startBroker, type Broker } from '../../helpers/broker';
import { cleanupEposd } from '../../helpers/process';
import { API_KEY, mqttClient, testGateway, viaRelay } from '../../helpers/relay';
import { until } from '../../helpers/until';

// The gateway under abuse (issue 27): each test names what it found on the code before, and fails there.

const TID = '10000001';
const OTHER = '10000002';
const KEY_A = 'platform-a-key-0123456789abcdefghijkl';
const KEY_B = 'platform-b-key-0123456789abcdefghijkl';

/** A terminal played by hand at the broker: online, and answering each request with `answer(request)` (undefined: no answer). */
async function fakeTerminal(broker: Broker, tid: string, answer: (request: { m: string; u: string; b?: string }) => unknown) {
  const client = await mqttClient(broker);
  const received: { m: string; u: string; b?: string }[] = [];
  client.on('message', (_topic, payload, packet) => {
    const request = JSON.parse(payload.toString()) as { m: string; u: string; b?: string };
    received.push(request);
    const a = answer(request);
    const { responseTopic, correlationData } = packet.properties ?? {};
    if (a !== undefined && responseTopic) client.publish(responseTopic, typeof a === 'string' ? a : JSON.stringify(a), { qos: 1, properties: { correlationData } });
  });
  await client.subscribeAsync(requestTopic(tid), { qos: 1 });
  await client.publishAsync(presenceTopic(tid), JSON.stringify({ tid, online: true, lastSeen: new Date().toISOString() }), { qos: 1, retain: true });
  return {
    received,
    async close() {
      await client.publishAsync(presenceTopic(tid), '', { qos: 1, retain: true });
      client.end(true);
    },
  };
}

/** A TLS connection to the gateway that sends `head`, then nothing; resolves when the gateway closes it, with how long that took. */
function hold(gateway: RunningGateway, head: string): Promise<{ socket: TLSSocket; closedAfterMs: Promise<number> }> {
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false }, () => {
      const opened = Date.now();
      socket.write(head);
      resolve({ socket, closedAfterMs: new Promise((r) => socket.once('close', () => r(Date.now() - opened))) });
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

describe('eposd-relay under abuse', () => {
  let broker: Broker;
  let terminals: MqttClient[] = [];
  beforeAll(async () => (broker = await startBroker()));
  afterAll(async () => {
    for (const t of terminals) t.end(true);
    await broker.close();
    await cleanupEposd();
  });
  afterEach(() => (terminals = []));

  it('cuts a client that trickles its body, after the body timeout (was: held for as long as it trickled)', async () => {
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined, bodyTimeoutMs: 600 });
    const terminal = await fakeTerminal(broker, TID, () => ({ s: 200, h: [], b: '{}' }));
    try {
      await until('the terminal online', () => gateway.board.isOnline(TID));
      const { closedAfterMs } = await hold(
        gateway,
        `POST /terminals/${TID}/payntpos/1.0.0/transaction HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      );
      expect(await closedAfterMs).toBeLessThan(5_000);
      // An aborted body is never forwarded (was: forwarded with no body).
      await new Promise((r) => setTimeout(r, 300));
      expect(terminal.received).toEqual([]);
    } finally {
      await terminal.close();
      await gateway.stop();
    }
  });

  it('holds no more connections than its cap: the one beyond is closed at once (was: every one kept)', async () => {
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined, maxConnections: 3 });
    try {
      const held = await Promise.all([1, 2, 3].map(() => hold(gateway, '')));
      const beyond = hold(gateway, '').then(
        ({ closedAfterMs }) => closedAfterMs,
        () => 0,
      );
      expect(await beyond).toBeLessThan(2_000);
      for (const h of held) h.socket.destroy();
    } finally {
      await gateway.stop();
    }
  });

  it('holds no more connections from one address than its per-address cap: the one beyond is closed at once', async () => {
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined, maxConnectionsPerAddress: 2 });
    try {
      const held = await Promise.all([1, 2].map(() => hold(gateway, '')));
      const beyond = hold(gateway, '').then(
        ({ closedAfterMs }) => closedAfterMs,
        () => 0,
      );
      expect(await beyond).toBeLessThan(2_000);
      // Once one is gone, the address may connect again.
      held[0]!.socket.destroy();
      await new Promise((r) => setTimeout(r, 200));
      expect((await httpsJson(`${gateway.url}/terminals`, { headers: { 'x-api-key': API_KEY } })).status).toBe(200);
      held[1]!.socket.destroy();
    } finally {
      await gateway.stop();
    }
  });

  it('passes on only the headers eposd sends, and refuses a status outside 200-599 or a malformed answer at once with 502 (was: Set-Cookie, CORS and 102 relayed; a malformed answer waited 30 s)', async () => {
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined });
    const answers: Record<string, unknown> = {
      cookie: { s: 200, h: ['Set-Cookie', 'session=1', 'Access-Control-Allow-Origin', '*', 'Content-Type', 'application/json', 'Cache-Control', 'no-store'], b: '{"ok":true}' },
      informational: { s: 102, h: [], b: '' },
      garbage: '{"s":"x"}',
    };
    const terminal = await fakeTerminal(broker, TID, (r) => answers[r.u.split('/').pop()!]);
    try {
      await until('the terminal online', () => gateway.board.isOnline(TID));
      const cookie = await viaRelay(gateway, TID, '/cookie');
      expect(cookie.status).toBe(200);
      expect(cookie.headers['set-cookie']).toBeUndefined();
      expect(cookie.headers['access-control-allow-origin']).toBeUndefined();
      expect(cookie.headers['cache-control']).toBe('no-store');
      for (const path of ['/informational', '/garbage']) {
        const started = Date.now();
        const res = await viaRelay(gateway, TID, path);
        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({ code: 'RELAY_BAD_ANSWER' });
        expect(Date.now() - started).toBeLessThan(5_000);
      }
    } finally {
      await terminal.close();
      await gateway.stop();
    }
  });

  it('shows each API key only its terminals, with filters and paging, and refuses the others with 403 (was: every terminal to every key)', async () => {
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined, apiKeys: [`${KEY_A}:${TID}`, `${KEY_B}:1000000*`] });
    const one = await fakeTerminal(broker, TID, () => ({ s: 200, h: [], b: '{}' }));
    const two = await fakeTerminal(broker, OTHER, () => ({ s: 200, h: [], b: '{}' }));
    try {
      await until('both online', () => gateway.board.isOnline(TID) && gateway.board.isOnline(OTHER));
      const list = (key: string, query = '') => httpsJson<{ terminals: { tid: string }[]; nextCursor: string | null }>(`${gateway.url}/terminals${query}`, { headers: { 'x-api-key': key } });
      expect((await list(KEY_A)).body.terminals.map((t) => t.tid)).toEqual([TID]);
      expect((await list(KEY_B)).body.terminals.map((t) => t.tid)).toEqual([TID, OTHER]);
      const page = await list(KEY_B, '?limit=1');
      expect(page.body.terminals.map((t) => t.tid)).toEqual([TID]);
      expect((await list(KEY_B, `?limit=1&cursor=${page.body.nextCursor}`)).body.terminals.map((t) => t.tid)).toEqual([OTHER]);
      expect((await list(KEY_B, `?tid=${OTHER}`)).body.terminals.map((t) => t.tid)).toEqual([OTHER]);
      expect((await list(KEY_B, '?online=false')).body.terminals).toEqual([]);
      const refused = await httpsJson(`${gateway.url}/terminals/${OTHER}/payntpos/1.0.0/transactions`, { headers: { 'x-api-key': KEY_A } });
      expect(refused.status).toBe(403);
      expect(two.received).toEqual([]);
    } finally {
      await one.close();
      await two.close();
      await gateway.stop();
    }
  });

  it('answers 429 to an address after 10 wrong keys in a minute, even with the right key then (was: 401 for ever)', async () => {
    const gateway = await testGateway(broker, { brokerUsername: undefined, brokerPassword: undefined });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await httpsJson(`${gateway.url}/terminals`, { headers: { 'x-api-key': `wrong-key-${i}-0123456789abcdefghijklmn` } })).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses[10]).toBe(429);
      const right = await httpsJson(`${gateway.url}/terminals`, { headers: { 'x-api-key': API_KEY } });
      expect(right.status).toBe(429);
      expect(right.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await gateway.stop();
    }
  });
});
