import Database from 'better-sqlite3';
import fc from 'fast-check';
import { connect } from 'node:tls';
import { dbDigest } from './helpers/db-digest';
import { cleanupEposd } from '../helpers/process';
import { httpsJson } from '../helpers/http';
import { Client, type Answer } from './helpers/client';
import { apiClient, dbFile, pairRegister, rssBytes, startDevice, type Device } from './helpers/device';
import { figures, sleep, tally } from './helpers/figures';
import { anonymousAuth, BASE, fuzzRequest, pairedAuth, type FuzzAuth, type FuzzRequest, type FuzzWorld } from './helpers/fuzz-requests';
import { scaled } from './helpers/scale';
import type { AnyAnswer } from '../helpers/bodies';

// Issue 7 §5. Generated requests across every route: random and near-valid JSON, wrong types,
// unicode, deep nesting, huge numbers, duplicate keys, wrong content types, truncated bodies, odd
// headers and query strings, and raw bytes that Node's own client would refuse to send.
// Nothing may answer 5xx, the process may not die, a rejected request may change nothing in the
// database but its audit log, and the process may not grow by 50 MB.
//
// @NOTE Against the real process over HTTPS, with keep-alive connections as a POS keeps them: a crash
// is a dead process and the memory is the server's own, not the test runner's; TLS and Node's HTTP
// parser are in the path, as they are in the field. The database is watched through a second,
// read-only SQLite connection. Requests from nobody (no, wrong or revoked tokens) go 8 at a time, and
// the database is compared around each batch: none of them may be accepted. Requests with a real
// token go one at a time, and the database is compared around each one that is rejected (or is a
// GET); after one that was accepted the terminal is left to settle and the comparison starts again.
// The comparison is of every table but the audit log (test/helpers/db.ts), as a digest (dbDigest).

const TOTAL = Number(process.env.FAULTS_FUZZ_REQUESTS ?? scaled(3_000, 100_000));
const RAW = Math.round(TOTAL * 0.05);
const ANONYMOUS = Math.round(TOTAL * 0.4);
const PAIRED = TOTAL - RAW - ANONYMOUS;
const BATCH = 40;
const CONNECTIONS = 8;
const CHUNKS = 10;
const MAX_RSS_GROWTH = 50 * 1024 * 1024;
const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Raw abuses, each as bytes after the TLS handshake; `hold` keeps the socket open that long, then drops it. */
function rawCases(): { name: string; bytes: string | Buffer; hold?: number }[] {
  const h = 'Host: 127.0.0.1\r\n';
  return [
    { name: 'body shorter than Content-Length, then gone', bytes: `POST ${BASE}/transaction HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"transType":`, hold: 50 },
    { name: 'Content-Length and chunked', bytes: `POST ${BASE}/pair HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n0\r\n\r\n` },
    { name: 'two Content-Lengths', bytes: `POST ${BASE}/pair HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}` },
    { name: 'bad chunk size', bytes: `POST ${BASE}/pair HTTP/1.1\r\n${h}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n` },
    { name: 'chunked, cut off', bytes: `POST ${BASE}/pair HTTP/1.1\r\n${h}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n{"pairingCode":`, hold: 50 },
    { name: 'negative Content-Length', bytes: `POST ${BASE}/pair HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}` },
    { name: 'NUL in a header', bytes: `GET ${BASE}/health HTTP/1.1\r\n${h}X-A: a\u0000b\r\n\r\n` },
    { name: 'DEL in a header', bytes: `GET ${BASE}/health HTTP/1.1\r\n${h}X-A: a\u007fb\r\n\r\n` },
    { name: 'obsolete line folding', bytes: `GET ${BASE}/health HTTP/1.1\r\n${h}X-A: a\r\n b\r\n\r\n` },
    { name: 'space in a header name', bytes: `GET ${BASE}/health HTTP/1.1\r\n${h}X A: b\r\n\r\n` },
    { name: 'not HTTP', bytes: 'GARBAGE\r\n\r\n' },
    { name: 'HTTP/9.9', bytes: `GET ${BASE}/health HTTP/9.9\r\n${h}\r\n` },
    { name: 'HTTP/1.0 without Host', bytes: `GET ${BASE}/health HTTP/1.0\r\n\r\n` },
    { name: 'absolute-form target', bytes: `GET https://evil.example${BASE}/health HTTP/1.1\r\n${h}\r\n` },
    { name: 'asterisk target', bytes: `OPTIONS * HTTP/1.1\r\n${h}\r\n` },
    { name: 'CONNECT', bytes: `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${h}\r\n` },
    { name: 'bare LF line endings', bytes: `GET ${BASE}/health HTTP/1.1\n${h.replace('\r\n', '\n')}\n` },
    { name: 'URL of 20 KiB', bytes: `GET ${BASE}/transaction?uti=${'A'.repeat(20 * 1024)} HTTP/1.1\r\n${h}\r\n` },
    { name: '2,000 headers', bytes: `GET ${BASE}/health HTTP/1.1\r\n${h}${'X-A: b\r\n'.repeat(2000)}\r\n` },
    { name: 'non-UTF-8 target', bytes: Buffer.concat([Buffer.from(`GET ${BASE}/tr`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(` HTTP/1.1\r\n${h}\r\n`)]) },
    { name: '50 pipelined', bytes: `GET ${BASE}/health HTTP/1.1\r\n${h}\r\n`.repeat(50) },
    {
      name: 'invalid UTF-8 JSON',
      bytes: Buffer.concat([
        Buffer.from(`POST ${BASE}/pair HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 8\r\n\r\n`),
        Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      ]),
    },
    {
      name: 'request smuggling attempt',
      bytes: `POST ${BASE}/pair HTTP/1.1\r\n${h}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\nGET ${BASE}/settlement HTTP/1.1\r\n${h}\r\n`,
    },
  ];
}

/** Sends `bytes` on a fresh TLS connection; answers every HTTP status line received before the server closed (or `ms`). */
function rawExchange(url: string, bytes: string | Buffer, hold?: number, ms = 3_000): Promise<{ statuses: number[]; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ statuses: [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1])), closedByServer });
    };
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false, servername: 'localhost' }, () => {
      // Our side done: the server answers what it can, then closes. A held one is dropped mid-request instead.
      if (hold === undefined) socket.end(bytes);
      else {
        socket.write(bytes);
        setTimeout(() => finish(false), hold);
      }
    });
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    const timer = setTimeout(() => finish(false), ms);
  });
}

describe('Fuzzing every route', () => {
  let device: Device;
  let db: Database.Database;
  afterAll(async () => {
    db?.close();
    await cleanupEposd();
  });

  it(`When ${TOTAL} generated requests are sent, then none answers 5xx, the process lives, rejected ones change nothing and memory stays flat`, async () => {
    device = await startDevice({ EPOSD_SIM_MODE: 'auto', EPOSD_HOST_TIMEOUT_MS: '200', EPOSD_CARD_TIMEOUT_MS: '300', EPOSD_PAIR_RATE_LIMIT: '100000' });
    const eposd = device.eposd;
    const tokens = {
      pos: await pairRegister(eposd, { registerId: 'till-fuzz' }),
      technician: await pairRegister(eposd, { registerId: 'tech-fuzz', role: 'technician' }),
      revoked: await pairRegister(eposd, { registerId: 'till-gone' }),
    };
    expect((await apiClient(eposd, tokens.revoked).call('/pair', { method: 'DELETE' })).status).toBe(204);
    // The fuzzer unpairs itself now and then (a valid DELETE /pair): it goes on with a spare register,
    // paired now, because the screen hides the pairing code for a few seconds after each payment.
    const spares = { pos: [] as string[], technician: [] as string[] };
    for (let i = 0; i < Math.ceil(PAIRED / 150) + 5; i++) spares.pos.push(await pairRegister(eposd, { registerId: `till-spare-${i}` }));
    for (let i = 0; i < Math.ceil(PAIRED / 300) + 3; i++) spares.technician.push(await pairRegister(eposd, { registerId: `tech-spare-${i}`, role: 'technician' }));

    // Transactions to refer to: an approved sale and pre-auth, a decline.
    const control = apiClient(eposd, tokens.pos);
    for (const [uti, transType, amountTrans] of [
      ['seed-sale', 'SALE', 1000],
      ['seed-preauth', 'PREAUTH', 5000],
      ['seed-declined', 'SALE', 1005],
    ] as const) {
      expect((await control.call('/transaction', { method: 'POST', body: { transType, amountTrans, uti } })).status).toBe(200);
      expect((await control.call(`/transaction?uti=${uti}&wait=10`)).status).toBe(200);
    }
    // The first purge runs 5 s after the start and records a retention mark (an hour passes before the
    // next): once it has, no comparison of the database can meet it.
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && !(await control.call<AnyAnswer>('/diagnostics', { headers: { authorization: tokens.technician } })).body.database?.lastPurge;)
      await sleep(250);
    control.close();
    const world: FuzzWorld = { knownUtis: ['seed-sale', 'seed-preauth', 'seed-declined'], tid: eposd.tid };

    db = new Database(dbFile(device.dataDir), { readonly: true, fileMustExist: true });
    // The purge runs 5 s after the start and writes a retention mark: a change of the terminal's own
    // that must not land between two snapshots of the comparisons below. Wait for it first.
    const purged = Date.now() + 15_000;
    while ((db.prepare('SELECT count(*) FROM retention_marks').pluck().get() as number) < 2) {
      if (Date.now() > purged) throw new Error('the first purge did not run within 15 s of the start');
      await sleep(50);
    }
    const origin = new URL(eposd.apiUrl).origin;
    const anonymous = new Client(origin, undefined, CONNECTIONS);
    const paired = new Client(origin, undefined, 1);

    const authorization = (a: FuzzAuth): string | undefined => {
      switch (a.kind) {
        case 'none':
          return undefined;
        case 'garbage':
          return a.value;
        case 'revoked':
          return tokens.revoked;
        case 'pos-tampered':
          return tokens.pos.slice(0, -1) + (tokens.pos.endsWith('A') ? 'B' : 'A');
        case 'pos':
          return tokens.pos;
        case 'pos-bearer':
          return `Bearer ${tokens.pos}`;
        case 'technician':
          return tokens.technician;
      }
    };
    const cut = (t: string, n = 120) => (t.length > n ? `${t.slice(0, n)}…(${t.length})` : t);
    const show = (r: FuzzRequest) =>
      JSON.stringify({
        ...r,
        path: cut(r.path, 300),
        headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, cut(v)])),
        body: Buffer.isBuffer(r.body) ? `<bytes ${r.body.toString('hex')}>` : r.body === undefined ? undefined : cut(r.body, 300),
      });
    // fast-check's own report prints every value whole (kilobytes of them): this one prints the cause, cut short.
    const reportBriefly = <T>(d: fc.RunDetails<T>): Promise<void> =>
      d.failed ? Promise.reject(new Error(`fuzz property failed (seed ${d.seed}, path ${d.counterexamplePath}): ${String(d.errorInstance).slice(0, 6000)}`)) : Promise.resolve();

    const stats = { anonymous: 0, paired: 0, raw: 0, accepted: 0, comparedRejected: 0, comparedBatches: 0, droppedConnections: 0, repairs: 0 };
    const statuses: number[] = [];
    const fiveHundreds: string[] = [];
    const changedBy: string[] = [];
    const acceptedWithoutToken: string[] = [];
    /** A property that failed: recorded, so that the figures are printed before the test fails on it. */
    const failedProperties: string[] = [];
    const check = async (property: Promise<void>): Promise<boolean> => {
      try {
        await property;
        return true;
      } catch (err) {
        failedProperties.push(String(err).slice(0, 6000));
        return false;
      }
    };

    const send = async (client: Client, r: FuzzRequest): Promise<Answer | undefined> => {
      const auth = authorization(r.auth);
      try {
        const answer = await client.call(r.path, { method: r.method, headers: { ...r.headers, ...(auth !== undefined ? { authorization: auth } : {}) }, body: r.body, timeoutMs: 15_000 });
        statuses.push(answer.status);
        if (answer.status >= 500) fiveHundreds.push(`${answer.status} ${answer.text.slice(0, 200)} ← ${show(r)}`);
        return answer;
      } catch (err) {
        // A server may close a connection whose upload it refused (413), or whose headers went past
        // Node's 16 KiB (431), before it has read all of it: the client can then meet a reset.
        const headerBytes = Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + r.path.length + (auth?.length ?? 0);
        const big = (r.body !== undefined && Buffer.byteLength(r.body) > 16 * 1024) || headerBytes > 8 * 1024;
        if (!big) throw new Error(`the connection failed (${String(err)}) for ${show(r)}`, { cause: err });
        stats.droppedConnections += 1;
        return undefined;
      }
    };

    /**
     * Waits until no payment runs and no prompt is open (a prompt the fuzzer opened is cancelled at the
     * screen, as the cardholder would: it would otherwise time out in the middle of a comparison), and
     * the database has stopped changing; answers its snapshot.
     */
    const settle = async (): Promise<string> => {
      const deadline = Date.now() + 30_000;
      while (db.prepare(`SELECT 1 FROM transactions WHERE status = 'IN_PROGRESS'`).get()) {
        if (Date.now() > deadline) throw new Error('a payment started by the fuzzer did not end within 30 s');
        await sleep(10);
      }
      if (db.prepare(`SELECT 1 FROM prompts WHERE status = 'OPEN'`).get()) await httpsJson(`${eposd.screenUrl}screen/actions`, { method: 'POST', body: { action: 'cancel' } });
      let previous = dbDigest(db);
      for (;;) {
        await sleep(50);
        const next = dbDigest(db);
        if (previous === next) return next;
        if (Date.now() > deadline) throw new Error('the database kept changing for 30 s');
        previous = next;
      }
    };

    const anonymousBatch = fc.array(fuzzRequest(world, anonymousAuth), { minLength: BATCH, maxLength: BATCH });
    const pairedRequest = fuzzRequest(world, pairedAuth);

    for (let i = 0; i < 50; i++) await anonymous.call(`${BASE}/health`);
    const rssStart = rssBytes(eposd.pid);
    // Memory is measured from the end of the first chunk: by then the heap, the JIT and the allocator
    // have grown to their working size, and what grows after that is what a leak would be.
    let rssWarm = 0;
    let rssPeak = rssStart;
    const rssByChunk: number[] = [];
    let baseline = await settle();
    const t0 = performance.now();
    const phaseMs = { withoutToken: 0, withToken: 0, raw: 0 };

    for (let chunk = 0; chunk < CHUNKS; chunk++) {
      const batches = Math.round(ANONYMOUS / BATCH / CHUNKS);
      let p0 = performance.now();
      const anonymousHeld = await check(
        fc.assert(
          fc.asyncProperty(anonymousBatch, async (batch) => {
            const before = dbDigest(db);
            const answers = await Promise.all(batch.map((r) => send(anonymous, r)));
            stats.anonymous += batch.length;
            const after = dbDigest(db);
            stats.comparedBatches += 1;
            if (before !== after) {
              changedBy.push(...batch.map(show));
              throw new Error(`a batch of requests without a valid token changed the database: ${batch.map(show).join('\n')}`);
            }
            // Without a token only reading the health and the API document may succeed.
            const accepted = batch.filter((r, i) => (answers[i]?.status ?? 0) < 300 && !/\/(health|openapi\.json)\/?(\?|$)/i.test(r.path));
            acceptedWithoutToken.push(...accepted.map(show));
            if (accepted.length > 0) throw new Error(`accepted without a valid token: ${accepted.map(show).join('\n')}`);
          }),
          { numRuns: batches, seed: SEED + chunk * 2, endOnFailure: true, asyncReporter: reportBriefly },
        ),
      );
      if (!anonymousHeld) break;
      baseline = await settle();
      phaseMs.withoutToken += performance.now() - p0;
      p0 = performance.now();

      const pairedHeld = await check(
        fc.assert(
          fc.asyncProperty(pairedRequest, async (r) => {
            const answer = await send(paired, r);
            stats.paired += 1;
            const reading = ['GET', 'HEAD', 'OPTIONS'].includes(r.method);
            if (answer && (answer.status >= 400 || reading)) {
              const after = dbDigest(db);
              stats.comparedRejected += 1;
              if (after !== baseline) {
                changedBy.push(show(r));
                throw new Error(`a ${answer.status} answer changed the database: ${show(r)}`);
              }
              return;
            }
            stats.accepted += 1;
            if (r.method === 'DELETE' && answer?.status === 204 && /\/pair\/?(\?|$)/i.test(r.path)) {
              // The fuzzer unpaired itself: on with a spare register, or pair again as the installer would.
              if (r.auth.kind === 'technician') tokens.technician = spares.technician.shift() ?? (await pairRegister(eposd, { registerId: 'tech-fuzz', role: 'technician' }));
              else tokens.pos = spares.pos.shift() ?? (await pairRegister(eposd, { registerId: 'till-fuzz' }));
              stats.repairs += 1;
            }
            baseline = await settle();
          }),
          { numRuns: Math.round(PAIRED / CHUNKS), seed: SEED + chunk * 2 + 1, endOnFailure: true, asyncReporter: reportBriefly },
        ),
      );
      if (!pairedHeld) break;
      phaseMs.withToken += performance.now() - p0;
      const rss = rssBytes(eposd.pid);
      rssByChunk.push(Math.round(rss / 2 ** 20));
      if (chunk === 0) rssWarm = rss;
      rssPeak = Math.max(rssPeak, rss);
    }
    const r0 = performance.now();

    // Raw abuses that Node's client will not send, each on a connection of its own.
    const raw = rawCases();
    const rawStatuses: number[] = [];
    for (let i = 0; i < RAW; i++) {
      const c = raw[i % raw.length]!;
      const result = await rawExchange(eposd.apiUrl, c.bytes, c.hold);
      rawStatuses.push(...result.statuses);
      for (const s of result.statuses) if (s >= 500) fiveHundreds.push(`${s} ← raw: ${c.name}`);
      stats.raw += 1;
    }
    phaseMs.raw = performance.now() - r0;
    const seconds = (performance.now() - t0) / 1000;
    // Let the server collect what it can, then look at its memory.
    await sleep(1_000);
    const rssEnd = rssBytes(eposd.pid);
    rssPeak = Math.max(rssPeak, rssEnd);

    const health = await anonymous.call(`${BASE}/health`);
    anonymous.close();
    paired.close();
    const exitCode = await eposd.stop();
    const errorLines = eposd.stderr().filter((l) => /"level":(50|60)/.test(l));

    figures('5 fuzzing', {
      requests: stats.anonymous + stats.paired + stats.raw,
      withoutToken: stats.anonymous,
      withToken: stats.paired,
      raw: stats.raw,
      seed: SEED,
      answers: tally(statuses),
      rawAnswers: tally(rawStatuses),
      fiveHundreds: fiveHundreds.length,
      acceptedWithToken: stats.accepted,
      batchesCompared: stats.comparedBatches,
      rejectedCompared: stats.comparedRejected,
      dbChangedByRejected: changedBy.length,
      acceptedWithoutToken: acceptedWithoutToken.length,
      failedProperties: failedProperties.length,
      droppedAfter413or431: stats.droppedConnections,
      rePaired: stats.repairs,
      errorLogLines: errorLines.length,
      health: health.status,
      exitCode,
      rssStartMB: (rssStart / 2 ** 20).toFixed(1),
      rssWarmMB: (rssWarm / 2 ** 20).toFixed(1),
      rssGrowthAfterWarmMB: ((rssEnd - rssWarm) / 2 ** 20).toFixed(1),
      rssPeakMB: (rssPeak / 2 ** 20).toFixed(1),
      rssEndMB: (rssEnd / 2 ** 20).toFixed(1),
      rssMBByChunk: rssByChunk.join('/'),
      perSecond: Math.round((stats.anonymous + stats.paired + stats.raw) / seconds),
      phaseSeconds: Object.fromEntries(Object.entries(phaseMs).map(([k, v]) => [k, Math.round(v / 1000)])),
    });
    expect(failedProperties).toEqual([]);
    expect(fiveHundreds).toEqual([]);
    expect(changedBy).toEqual([]);
    expect(acceptedWithoutToken).toEqual([]);
    expect(errorLines).toEqual([]);
    expect(health.status).toBe(200);
    expect(rssEnd - rssWarm).toBeLessThan(MAX_RSS_GROWTH);
    expect(exitCode).toBe(0); // alive to the end, and stops cleanly
  });
});
