import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { httpsJson } from '../helpers/http';
import { cleanupEposd } from '../helpers/process';
import { apiClient, pairRegister, rssBytes, startDevice, type Device } from './helpers/device';
import { figures, median, percentile, sleep, tally } from './helpers/figures';
import type { AnyAnswer } from '../helpers/bodies';

// Issue 7 §7. A 1 MiB body is refused (413) without the server holding it; 200 sockets that trickle
// their headers are cut off by the header timeout, and sockets that never finish the TLS handshake by
// the handshake timeout, while a normal POS reading a status keeps a p99 under 500 ms.

const MIB = 1024 * 1024;
const TRICKLERS = 200;
const SILENT = 50;
const HEADERS_TIMEOUT_MS = 10_000; // src/main.ts
const CHECK_INTERVAL_MS = 1_000; // src/main.ts: how often Node looks at that timeout
const SLACK_MS = 1_000;

interface Upload {
  status: number | null;
  sentWhenAnswered: number | null;
  sent: number;
}

/** Uploads `size` bytes in 16 KiB pieces, 4 ms apart, and notes how much was sent when the answer came. */
function upload(url: string, token: string, chunked: boolean, size = MIB): Promise<Upload> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const result: Upload = { status: null, sentWhenAnswered: null, sent: 0 };
    let timer: NodeJS.Timeout | undefined;
    const socket: TLSSocket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false, servername: 'localhost' }, () => {
      const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`;
      socket.write(`POST ${pathname}/transaction HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${token}\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
      const piece = Buffer.alloc(16 * 1024, 'x');
      piece.write('{"reference":"');
      const pump = () => {
        if (result.sent >= size || socket.destroyed) return;
        result.sent += piece.length;
        socket.write(chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece);
        if (result.sent >= size && chunked) socket.write('0\r\n\r\n');
        timer = setTimeout(pump, 4);
      };
      pump();
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m && result.status === null) {
        result.status = Number(m[1]);
        result.sentWhenAnswered = result.sent;
      }
    });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    socket.on('error', done);
    socket.on('close', done);
    // Once answered and sent, or after 20 s at most, the test is done with this socket.
    const check = setInterval(() => {
      if ((result.status !== null && result.sent >= size) || socket.destroyed) {
        clearInterval(check);
        done();
      }
    }, 20);
    setTimeout(() => {
      clearInterval(check);
      done();
    }, 20_000).unref();
  });
}

describe('Resource limits', () => {
  let device: Device;
  let token: string;
  beforeAll(async () => {
    device = await startDevice({ EPOSD_SIM_MODE: 'auto' });
    token = await pairRegister(device.eposd, { registerId: 'till-limits' });
  });
  afterAll(cleanupEposd);

  it('When a POS uploads a 1 MiB body, then it is answered 413 and the server does not hold the body', async () => {
    const declared = await upload(device.eposd.apiUrl, token, false);
    const chunked = await upload(device.eposd.apiUrl, token, true);
    // 20 at once of 4 MiB to warm up, then 20 at once again: held, they would be 80 MiB more.
    const warm = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(device.eposd.apiUrl, token, i % 2 === 0, 4 * MIB)));
    const before = rssBytes(device.eposd.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(device.eposd.pid))), 10);
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(device.eposd.apiUrl, token, i % 2 === 0, 4 * MIB)));
    clearInterval(sampler);
    const health = await httpsJson(`${device.eposd.apiUrl}/health`);
    const kib = (bytes: number | null) => (bytes === null ? 'never' : Math.round(bytes / 1024));
    figures('7a 1 MiB body', {
      declaredLength: `${declared.status}_after_${kib(declared.sentWhenAnswered)}KiB_of_${kib(declared.sent)}`,
      chunked: `${chunked.status}_after_${kib(chunked.sentWhenAnswered)}KiB_of_${kib(chunked.sent)}`,
      concurrentUploads: `${many.length}x${Math.round(Math.max(...many.map((u) => u.sent)) / MIB)}MiB`,
      concurrentAnswers: tally([...warm, ...many].map((u) => u.status ?? 'none')),
      health: health.status,
      rssBeforeMB: (before / MIB).toFixed(1),
      rssPeakMB: (peak / MIB).toFixed(1),
      rssJumpMB: ((peak - before) / MIB).toFixed(1),
    });
    expect(declared.status).toBe(413);
    expect(chunked.status).toBe(413);
    expect([...warm, ...many].map((u) => u.status)).toEqual(Array(40).fill(413));
    expect(health.status).toBe(200);
    // A declared length over the limit is answered before the upload ends; a chunked body is read
    // (and dropped) up to its end by the body parser, so for it memory is what shows it was not held.
    expect(declared.sentWhenAnswered!).toBeLessThan(MIB);
    expect(peak - before).toBeLessThan(16 * MIB);
  });

  it(`When ${TRICKLERS} sockets trickle their headers and ${SILENT} never finish the TLS handshake, then all are cut off by the timeouts while a POS's status p99 stays under 500 ms`, async () => {
    const { hostname, port, pathname } = new URL(device.eposd.apiUrl);
    const pos = apiClient(device.eposd, token);
    const sale = await pos.call<AnyAnswer>('/transaction', { method: 'POST', body: { transType: 'SALE', amountTrans: 1000 } });
    const uti = sale.body.uti!;
    await pos.call(`/transaction?uti=${uti}&wait=10`);

    const sockets: (TLSSocket | Socket)[] = [];
    const closedAfter: number[] = [];
    const silentClosedAfter: number[] = [];
    let answered408 = 0;
    let tricklersConnected = 0;
    let silentConnected = 0;
    /** Set when the test destroys what is left: a close after that is not the server's. */
    let hardStopped = false;
    const tricklers = Array.from(
      { length: TRICKLERS },
      () =>
        new Promise<void>((resolve) => {
          let started = 0;
          let dribble: NodeJS.Timeout | undefined;
          const s = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false, servername: 'localhost' }, () => {
            started = performance.now();
            tricklersConnected += 1;
            s.write(`GET ${pathname}/transaction?uti=${uti} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
            let n = 0;
            dribble = setInterval(() => s.write(`X-Slow-${n++}: ${'a'.repeat(8)}\r\n`), 500);
          });
          sockets.push(s);
          s.setEncoding('latin1');
          s.on('data', (d: string) => d.startsWith('HTTP/1.1 408') && answered408++);
          s.on('error', () => undefined);
          s.on('close', () => {
            clearInterval(dribble);
            if (started && !hardStopped) closedAfter.push(performance.now() - started);
            resolve();
          });
        }),
    );
    const silent = Array.from(
      { length: SILENT },
      () =>
        new Promise<void>((resolve) => {
          let started = 0;
          const s = tcpConnect(Number(port), hostname, () => {
            started = performance.now();
            silentConnected += 1;
          });
          sockets.push(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            if (started && !hardStopped) silentClosedAfter.push(performance.now() - started);
            resolve();
          });
        }),
    );

    // Meanwhile a POS reads its status every 50 ms on its kept-alive connection, and a new POS
    // connects every second.
    const latencies: number[] = [];
    const freshLatencies: number[] = [];
    const failures: string[] = [];
    let attacking = true;
    const allClosed = Promise.all([...tricklers, ...silent]).then(() => (attacking = false));
    const hardStop = setTimeout(() => {
      hardStopped = true;
      sockets.forEach((s) => s.destroy());
    }, HEADERS_TIMEOUT_MS + 15_000);
    const reader = (async () => {
      for (let i = 0; attacking && i < 1000; i++) {
        const res = await pos.call(`/transaction?uti=${uti}`);
        if (res.status !== 200) failures.push(`status read answered ${res.status}`);
        latencies.push(res.ms);
        await sleep(50);
      }
    })();
    const newcomer = (async () => {
      for (let i = 0; attacking && i < 60; i++) {
        const t0 = performance.now();
        const res = await httpsJson(`${device.eposd.apiUrl}/transaction?uti=${uti}`, { headers: { authorization: token } });
        if (res.status !== 200) failures.push(`new connection answered ${res.status}`);
        freshLatencies.push(performance.now() - t0);
        await sleep(1_000);
      }
    })();
    await allClosed;
    clearTimeout(hardStop);
    await Promise.all([reader, newcomer]);
    pos.close();

    figures('7b slow headers', {
      tricklersConnected,
      closedByServer: closedAfter.length,
      answered408,
      medianCloseS: (median(closedAfter) / 1000).toFixed(2),
      maxCloseS: (Math.max(...closedAfter) / 1000).toFixed(2),
      silentConnected,
      silentClosedByServer: silentClosedAfter.length,
      silentMaxCloseS: (Math.max(...silentClosedAfter) / 1000).toFixed(2),
      posReads: latencies.length,
      posMedianMs: median(latencies).toFixed(1),
      posP99Ms: percentile(latencies, 99).toFixed(1),
      newConnections: freshLatencies.length,
      newConnectionP99Ms: percentile(freshLatencies, 99).toFixed(1),
      failures: failures.length,
    });
    expect(failures).toEqual([]);
    expect([tricklersConnected, silentConnected]).toEqual([TRICKLERS, SILENT]);
    expect(closedAfter).toHaveLength(TRICKLERS);
    expect(silentClosedAfter).toHaveLength(SILENT);
    expect(Math.max(...closedAfter)).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
    expect(Math.max(...silentClosedAfter)).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(percentile(latencies, 99)).toBeLessThan(500);
    // A POS that connects anew meets the 250 handshakes in its first second: slower, but served.
    expect(percentile(freshLatencies, 99)).toBeLessThan(2_000);
  });
});
