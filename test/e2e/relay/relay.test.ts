import type { MqttClient } from 'mqtt';
import type { RunningGateway } from '../../../src/relay-gateway/gateway';
import { requestTopic, responseFilter, responseTopic } from '../../../src/relay/topics';
import type { Acknowledgement, FinalStatus, SearchPage } from '../../helpers/bodies';
import { httpsJson } from '../../helpers/http';
import { startBroker, type Broker } from '../../helpers/broker';
import { pairingCode, runPos } from '../../helpers/pos';
import { EposdClient } from '../../../src/client';
import { join } from 'node:path';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../../helpers/process';
import { API_KEY, GATEWAY_USER, mqttClient, signedViaRelay, testGateway, viaRelay } from '../../helpers/relay';
import type { HttpOptions } from '../../helpers/http';
import { RelaySigner } from '../../../src/client/relay';
import type { PairedTerminal } from '../../../src/client';
import { until } from '../../helpers/until';

const TID = '10000001';
const OTHER = '10000002';
const USERS = { [TID]: 'terminal-one-secret', [OTHER]: 'terminal-two-secret', ...GATEWAY_USER };
const TERMINAL_ENV = (broker: Broker) => ({
  EPOSD_TID: TID,
  EPOSD_RELAY_URL: broker.url,
  EPOSD_RELAY_USERNAME: TID,
  EPOSD_RELAY_PASSWORD: USERS[TID],
  // Slow enough to cancel, or to restart the broker, while the payment waits for its card.
  EPOSD_SIM_CARD_DELAY_MS: '1500',
  EPOSD_SIM_AUTH_DELAY_MS: '300',
});

describe('The relay: a POS reaches a terminal through eposd-relay and a real Mosquitto', () => {
  let broker: Broker;
  let eposd: EposdProcess;
  let gateway: RunningGateway;
  let second: RunningGateway;
  let terminal: PairedTerminal;
  const signed = <T>(gw: RunningGateway, path: string, options: HttpOptions = {}) => signedViaRelay<T>(gw, terminal, path, options);

  const sale = async (gw: RunningGateway, amountTrans: number) => {
    const res = await signed<Acknowledgement>(gw, `/transaction?tid=${TID}&disablePrinting=true`, { method: 'POST', body: { transType: 'SALE', amountTrans } });
    expect(res.status).toBe(200);
    return res.body.uti;
  };
  const outcome = (gw: RunningGateway, uti: string) => signed<FinalStatus>(gw, `/transaction?uti=${uti}&wait=20`, { timeoutMs: 60_000 });

  beforeAll(async () => {
    broker = await startBroker({ users: USERS });
    eposd = await startEposd({ env: TERMINAL_ENV(broker) });
    gateway = await testGateway(broker);
    second = await testGateway(broker);
    await until('the relay to settle', () => gateway.board.isOnline(TID) && second.board.isOnline(TID), 10_000);
    const url = new URL(gateway.url);
    const client = new EposdClient({ configPath: join(makeTempDir('eposd-pos-relay-'), 'terminals.json') });
    terminal = await client.pair({ host: url.hostname, port: Number(url.port), code: await pairingCode(eposd), registerId: 'cloud-till', relay: { tid: TID, apiKey: API_KEY } });
  });
  afterAll(async () => {
    await gateway?.stop();
    await second?.stop();
    await cleanupEposd();
    await broker?.close();
  });

  it('lists the terminal as online with when it was last seen, from its retained presence', async () => {
    const res = await httpsJson<{ terminals: { tid: string; online: boolean; lastSeen: string }[] }>(`${gateway.url}/terminals`, { headers: { 'x-api-key': API_KEY } });
    expect(res.status).toBe(200);
    const entry = res.body.terminals.find((t) => t.tid === TID);
    expect(entry).toEqual({ tid: TID, online: true, lastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown });
  });

  it('answers 401 API_KEY_INVALID to a missing or wrong X-Api-Key, before anything reaches the broker', async () => {
    const none = await httpsJson(`${gateway.url}/terminals`);
    const wrong = await viaRelay(gateway, TID, '/transaction?uti=x', { headers: { 'x-api-key': 'not-the-key' } });
    for (const res of [none, wrong]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'API_KEY_INVALID' });
    }
  });

  it("refuses the plain POST /pair and a plain token through the gateway, in the terminal's signed words (EPOSD_RELAY_PLAIN_TOKENS is off)", async () => {
    const code = await pairingCode(eposd);
    const pair = await viaRelay(gateway, TID, '/pair', { method: 'POST', body: { pairingCode: code, registerId: 'gateway-till' } });
    const token = await viaRelay(gateway, TID, '/transactions', { headers: { authorization: terminal.authToken } });
    for (const res of [pair, token]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'RELAY_SIGNATURE_REQUIRED' });
      expect(res.headers['x-eposd-answer-signature']).toBeDefined();
    }
  });

  it('gives the same answer, byte for byte, as the terminal gives on its own HTTPS port, with its signature beside it', async () => {
    const path = `/transaction?uti=${'0'.repeat(32)}&tid=${TID}`;
    const direct = await httpsJson(`${eposd.apiUrl}${path}`, { headers: { authorization: terminal.authToken } });
    const relayed = await signed(gateway, path);
    expect(relayed.status).toBe(404);
    expect(relayed.text).toBe(direct.text);
    for (const h of ['content-type', 'content-length', 'cache-control', 'strict-transport-security', 'x-content-type-options']) expect(relayed.headers[h]).toBe(direct.headers[h]);
    expect(direct.headers['x-eposd-answer-signature']).toBeUndefined();
  });

  it('takes a sale, and the long poll through the gateway brings it APPROVED', async () => {
    const uti = await sale(gateway, 1250);
    const final = await outcome(gateway, uti);
    expect(final.status).toBe(200);
    expect(final.body).toMatchObject({ uti, status: 'APPROVED', transAmount: 1250, terminalId: TID });
  });

  it('brings a decline as the terminal answers it', async () => {
    const uti = await sale(gateway, 1005);
    expect((await outcome(gateway, uti)).body).toMatchObject({ uti, status: 'DECLINED', transactionResponse: '05' });
  });

  it('cancels a payment that waits for its card', async () => {
    const uti = await sale(gateway, 2000);
    const res = await signed<FinalStatus>(gateway, `/transaction?uti=${uti}&tid=${TID}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ uti, status: 'CANCELLED' });
  });

  it('serves one terminal from two gateway instances: a sale started through one is read through the other', async () => {
    const uti = await sale(gateway, 1500);
    expect((await outcome(second, uti)).body).toMatchObject({ uti, status: 'APPROVED' });
  });

  it('refuses the event stream with 501 NOT_RELAYED (a long poll does the same job)', async () => {
    const res = await signed(gateway, '/events');
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({ code: 'NOT_RELAYED' });
  });

  it('refuses a body over 16 KiB at the gateway with 413', async () => {
    const res = await signed(gateway, `/transaction?tid=${TID}`, { method: 'POST', body: { transType: 'SALE', amountTrans: 1, reference: 'x'.repeat(17_000) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('lets the POS client library pair through the gateway and take a sale, as on the LAN', async () => {
    const client = new EposdClient({ configPath: join(makeTempDir('eposd-pos-relay-'), 'terminals.json') });
    const url = new URL(gateway.url);
    const paired = await client.pair({ host: url.hostname, port: Number(url.port), code: await pairingCode(eposd), registerId: 'lib-relay', relay: { tid: TID, apiKey: API_KEY } });
    expect(paired).toMatchObject({ tid: TID, registerId: 'lib-relay', relay: { apiKey: API_KEY } });
    const ack = await client.sale(1234);
    expect(await client.waitForOutcome(ack.uti)).toMatchObject({ uti: ack.uti, status: 'APPROVED', transAmount: 1234 });
  });

  it("lets eposd-pos pair with --relay --tid --api-key, refusing without --fingerprint or --yes when nobody can be asked, pinning the terminal's key, and take a sale", async () => {
    const home = makeTempDir('eposd-pos-home-');
    const code = await pairingCode(eposd);
    const unasked = await runPos(['pair', '--relay', gateway.url, '--tid', TID, '--api-key', API_KEY, '--code', code, '--register-id', 'cli-relay'], home);
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toContain('--fingerprint');
    const pair = await runPos(['pair', '--relay', gateway.url, '--tid', TID, '--api-key', API_KEY, '--code', code, '--register-id', 'cli-relay', '--fingerprint', eposd.fingerprint, '--json'], home);
    expect(pair.code).toBe(0);
    expect(JSON.parse(pair.stdout)).toMatchObject({ fingerprint: eposd.fingerprint });
    expect(JSON.parse(pair.stdout)).toMatchObject({ tid: TID, registerId: 'cli-relay' });
    const sold = await runPos(['sale', '12.50', '--json', '--no-print'], home, {}, 30_000);
    expect(sold.code).toBe(0);
    expect(JSON.parse(sold.stdout)).toMatchObject({ status: 'APPROVED', transAmount: 1250, terminalId: TID });
  });

  describe('at the broker', () => {
    let raw: MqttClient;
    let spy: MqttClient;
    afterEach(() => {
      raw?.end(true);
      spy?.end(true);
    });

    it('runs a request delivered twice once, and answers both copies alike; another terminal that subscribes to its topic gets nothing', async () => {
      const before = (await signed<SearchPage>(gateway, '/transactions?limit=100')).body.transactions.length;
      raw = await mqttClient(broker, 'relay', GATEWAY_USER.relay);
      spy = await mqttClient(broker, OTHER, USERS[OTHER]);
      const peeked: string[] = [];
      spy.on('message', (topic) => peeked.push(topic));
      // Mosquitto 2.0 acknowledges the subscription and checks the ACL on each delivery: nothing ever comes.
      await spy.subscribeAsync(requestTopic(TID), { qos: 1 });
      const answers: string[] = [];
      raw.on('message', (_topic, payload) => answers.push(payload.toString()));
      await raw.subscribeAsync(responseFilter('relay', 'dup-test'), { qos: 1 });
      const u = `/payntpos/1.0.0/transaction?tid=${TID}&disablePrinting=true`;
      const b = JSON.stringify({ transType: 'SALE', amountTrans: 700 });
      const { headers } = new RelaySigner(TID, terminal.registerId, terminal.relay!).sign('POST', u, 'application/json', b, 'a sale');
      const request = { m: 'POST', u, h: { ...headers, 'content-type': 'application/json' }, b };
      const properties = { responseTopic: responseTopic('relay', 'dup-test', TID), correlationData: Buffer.from('same-correlation-id') };
      await raw.publishAsync(requestTopic(TID), JSON.stringify(request), { qos: 1, properties });
      await until('the relay to settle', () => answers.length === 1, 10_000);
      await raw.publishAsync(requestTopic(TID), JSON.stringify(request), { qos: 1, properties });
      await until('the relay to settle', () => answers.length === 2, 10_000);
      expect(answers[1]).toBe(answers[0]);
      expect((JSON.parse(answers[0]!) as { s: number }).s).toBe(200);
      const uti = (JSON.parse((JSON.parse(answers[0]!) as { b: string }).b) as Acknowledgement).uti;
      await outcome(gateway, uti);
      const after = (await signed<SearchPage>(gateway, '/transactions?limit=100')).body.transactions.length;
      expect(after).toBe(before + 1);
      expect(peeked).toEqual([]);
    });

    it('answers 504 RELAY_TIMEOUT for a terminal that does not answer, and 503 TERMINAL_OFFLINE without waiting once its connection is lost (the last will the broker delivers)', async () => {
      // A second terminal: its own eposd, with the will eposd sets on its connection to the broker.
      const other = await startEposd({ env: { ...TERMINAL_ENV(broker), EPOSD_TID: OTHER, EPOSD_RELAY_USERNAME: OTHER, EPOSD_RELAY_PASSWORD: USERS[OTHER] } });
      const quick = await testGateway(broker, { timeoutMs: 1_000 });
      try {
        await until('the relay to settle', () => quick.board.isOnline(OTHER), 10_000);
        // Stopped, it is still connected (and online) but answers nothing.
        other.kill('SIGSTOP');
        const timedOut = await viaRelay(quick, OTHER, '/transaction?uti=x');
        expect(timedOut.status).toBe(504);
        expect(timedOut.body).toMatchObject({ code: 'RELAY_TIMEOUT' });
        // Gone without a goodbye: its connection dies with the process, and the broker publishes its will.
        other.kill('SIGKILL');
        await other.waitForExit();
        await until('the will to arrive', () => !quick.board.isOnline(OTHER), 10_000);
        // 503 at once, where a terminal still thought online would have been waited for (504 after the timeout).
        const offline = await viaRelay(quick, OTHER, '/transaction?uti=x');
        expect(offline.status).toBe(503);
        expect(offline.body).toMatchObject({ code: 'TERMINAL_OFFLINE' });
        const unknown = await viaRelay(quick, '99999999', '/transaction?uti=x');
        expect(unknown.status).toBe(503);
      } finally {
        other.kill('SIGKILL');
        const cleaner = await mqttClient(broker, OTHER, USERS[OTHER]);
        await cleaner.publishAsync(`eposd/v1/terminals/${OTHER}/presence`, '', { qos: 1, retain: true });
        cleaner.end(true);
        await quick.stop();
      }
    });
  });

  it('completes a payment while the broker restarts, and the outcome is read once terminal and gateway are back', async () => {
    const uti = await sale(gateway, 1800);
    const restarted = new Date().toISOString();
    await broker.restart();
    // The broker lost every retained message with its restart: the terminal announced itself again, to the gateway reconnected.
    await until('the terminal to announce itself again', () => (gateway.board.list().find((t) => t.tid === TID)?.lastSeen ?? '') > restarted, 20_000);
    const final = await outcome(gateway, uti);
    expect(final.body).toMatchObject({ uti, status: 'APPROVED' });
  });

  it('goes offline when the terminal process dies mid-payment, and after its restart the outcome is read through the gateway', async () => {
    const uti = await sale(gateway, 1900);
    eposd.kill('SIGKILL');
    await eposd.waitForExit();
    await until('the relay to settle', () => !gateway.board.isOnline(TID), 10_000);
    expect((await signed(gateway, `/transaction?uti=${uti}`)).body).toMatchObject({ code: 'TERMINAL_OFFLINE' });
    eposd = await startEposd({ env: TERMINAL_ENV(broker), dataDir: eposd.dataDir, certDir: eposd.certDir });
    await until('the relay to settle', () => gateway.board.isOnline(TID), 10_000);
    const final = await outcome(gateway, uti);
    expect(final.status).toBe(200);
    expect(final.body).toMatchObject({ uti });
    expect(['APPROVED', 'DECLINED', 'FAILED', 'CANCELLED', 'TIMED_OUT']).toContain(final.body.status);
  });
});
