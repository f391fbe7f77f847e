import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { EposdApiError, EposdClient, RelayAnswerRefusedError } from '../../../src/client';
import { PAIR_START_PATH, PosPairing, TerminalPairing } from '../../../src/relay-trust/pairing';
import type { RunningGateway } from '../../../src/relay-gateway/gateway';
import { presenceTopic, requestTopic, responseFilter } from '../../../src/relay/topics';
import { maliciousGateway, type Answer, type MaliciousGateway, type Seen } from '../../helpers/malicious-gateway';
import { startBroker, type Broker } from '../../helpers/broker';
import { pairingCode } from '../../helpers/pos';
import { cleanupEposd, makeTempDir, startEposd, type EposdProcess } from '../../helpers/process';
import { API_KEY, GATEWAY_USER, mqttClient, testGateway } from '../../helpers/relay';
import { until } from '../../helpers/until';
import { LOOPBACK_WEBHOOKS_ENV } from '../../helpers/webhook-receiver';

// A gateway run by an attacker (issue 27): it sees every byte, keeps it, replays requests, changes an
// amount, swaps the TID, forges an APPROVED answer and tries to pair itself with the code it relays.
// Every attempt is refused by the terminal or by the POS's client, and the POS is told why.

const TID = '10000001';
const OTHER = '10000002';
const USERS = { [TID]: 'terminal-one-secret', [OTHER]: 'terminal-two-secret', ...GATEWAY_USER };
const json = (a: Answer) => JSON.parse(a.body.toString()) as Record<string, unknown>;
const isSale = (r: Seen) => r.method === 'POST' && r.path.includes('/payntpos/1.0.0/transaction');

describe('A malicious relay gateway', () => {
  let broker: Broker;
  let eposd: EposdProcess;
  let honest: RunningGateway;
  let evil: MaliciousGateway;
  let spy: MqttClient;
  const spied: string[] = [];
  let pos: EposdClient;
  let paired: Awaited<ReturnType<EposdClient['pair']>>;

  const newPos = () => new EposdClient({ configPath: join(makeTempDir('eposd-pos-evil-'), 'terminals.json'), retries: 0 });
  const pairThroughEvil = async (client: EposdClient, registerId: string, callbackUrl?: string) => {
    const url = new URL(evil.url);
    return client.pair({ host: url.hostname, port: Number(url.port), code: await pairingCode(eposd), registerId, callbackUrl, relay: { tid: TID, apiKey: API_KEY } });
  };

  beforeAll(async () => {
    broker = await startBroker({ users: USERS });
    eposd = await startEposd({
      env: {
        ...LOOPBACK_WEBHOOKS_ENV,
        EPOSD_TID: TID,
        EPOSD_RELAY_URL: broker.url,
        EPOSD_RELAY_USERNAME: TID,
        EPOSD_RELAY_PASSWORD: USERS[TID],
        EPOSD_SIM_CARD_DELAY_MS: '200',
        EPOSD_SIM_AUTH_DELAY_MS: '50',
      },
    });
    honest = await testGateway(broker);
    evil = await maliciousGateway(honest.url);
    // Whoever holds the gateway's broker credentials reads every answer on its response topics.
    spy = await mqttClient(broker, 'relay', GATEWAY_USER.relay);
    spy.on('message', (_t, payload) => spied.push(payload.toString()));
    await spy.subscribeAsync(responseFilter('relay', '+'), { qos: 1 });
    await until('the terminal online', () => honest.board.isOnline(TID), 10_000);
    pos = newPos();
    paired = await pairThroughEvil(pos, 'cloud-till', 'http://127.0.0.1:9/webhook');
  });
  afterEach(() => {
    evil.tamperRequest = undefined;
    evil.tamperAnswer = undefined;
    evil.answerInstead = undefined;
  });
  afterAll(async () => {
    spy?.end(true);
    await evil?.close();
    await honest?.stop();
    await cleanupEposd();
    await broker?.close();
  });

  it('learns neither the code, nor the token, nor the webhook secret from every byte it saw, nor from the broker', async () => {
    expect(paired.authToken).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(paired.webhookSecret).toBeDefined();
    const ack = await pos.sale(1250);
    await pos.waitForOutcome(ack.uti);
    const seen = evil.everything() + spied.join('\n');
    expect(evil.log.length).toBeGreaterThanOrEqual(4);
    for (const secret of [paired.authToken, paired.authToken.split('.')[1]!, paired.webhookSecret!]) expect(seen).not.toContain(secret);
    expect(seen).not.toMatch(/pairingCode|authorization/i);
  });

  it('cannot pair a register of its own: not with the plain POST /pair, not with a CPace guess; and the POS that knows the code pairs', async () => {
    const code = await pairingCode(eposd);
    const attempts: string[] = [];
    evil.answerInstead = (r) => {
      if (!r.path.endsWith(PAIR_START_PATH)) return undefined;
      evil.answerInstead = undefined;
      // What a gateway could do with a relayed pairing before: POST /pair with the code it read. It has no code: it guesses.
      void evil
        .send({
          method: 'POST',
          path: `/terminals/${TID}/payntpos/1.0.0/pair`,
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: Buffer.from(JSON.stringify({ pairingCode: '000000', registerId: 'evil-till' })),
        })
        .then((a) => attempts.push(String(json(a).code)));
      return undefined;
    };
    const guess = new PosPairing(code === '000000' ? '111111' : '000000', TID);
    const started = await evil.send({
      method: 'POST',
      path: `/terminals/${TID}/payntpos/1.0.0${PAIR_START_PATH}`,
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: Buffer.from(JSON.stringify(guess.startRequest())),
    });
    expect(() => guess.accept(json(started))).toThrow(/did not prove that it knows the code/);
    const client = newPos();
    await expect(pairThroughEvil(client, 'second-till')).resolves.toMatchObject({ registerId: 'second-till' });
    await until('the attempt answered', () => attempts.length === 1);
    expect(attempts).toEqual(['RELAY_SIGNATURE_REQUIRED']);
  });

  it('cannot pass for the terminal at pairing: the POS refuses its answer and stores nothing', async () => {
    const fake = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    evil.answerInstead = (r) => {
      if (!r.path.endsWith(PAIR_START_PATH)) return undefined;
      const own = TerminalPairing.start(JSON.parse(r.body.toString()), '000000', TID, fake)!;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(own.answer)) };
    };
    const client = newPos();
    await expect(pairThroughEvil(client, 'third-till')).rejects.toThrow(/did not prove that it knows the code/);
    expect(client.store.list()).toEqual([]);
  });

  it('cannot change an amount: the terminal refuses the sale and says why, and nothing was charged', async () => {
    evil.tamperRequest = (r) => (isSale(r) ? { ...r, body: Buffer.from(r.body.toString().replace('"amountTrans":1250', '"amountTrans":125000')) } : r);
    const refused = await pos.sale(1250).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(EposdApiError);
    expect(refused).toMatchObject({ code: 'RELAY_SIGNATURE_INVALID', message: expect.stringContaining('changed on its way') as unknown });
    evil.tamperRequest = undefined;
    const list = await pos.list({ limit: 100 });
    expect(list.transactions.filter((t) => t.transAmount === 125000)).toEqual([]);
  });

  it('cannot replay a sale or a refund: the terminal refuses the copy', async () => {
    const ack = await pos.sale(1300);
    await pos.waitForOutcome(ack.uti);
    const sent = evil.log.find((e) => isSale(e.request) && e.request.body.toString().includes(ack.uti))!.request;
    const copy = await evil.send(sent);
    expect(copy.status).toBe(401);
    expect(json(copy)).toMatchObject({ code: 'RELAY_REPLAYED' });
    const refund = await pos.refund(500, { originalUti: ack.uti });
    await pos.waitForOutcome(refund.uti);
    const refundSent = evil.log.find((e) => isSale(e.request) && e.request.body.toString().includes(refund.uti))!.request;
    expect(json(await evil.send(refundSent))).toMatchObject({ code: 'RELAY_REPLAYED' });
    expect((await pos.list({ reference: undefined, limit: 100 })).transactions.filter((t) => t.uti === ack.uti || t.originalUti === ack.uti)).toHaveLength(2);
  });

  it("cannot swap the TID: another terminal's answer is refused by the POS", async () => {
    const other = await mqttClient(broker, OTHER, USERS[OTHER]);
    try {
      other.on('message', (_t, _p, packet) => {
        const body = JSON.stringify({ uti: 'x', status: 'APPROVED', transApproved: true });
        other.publish(packet.properties!.responseTopic!, JSON.stringify({ s: 200, h: ['Content-Type', 'application/json; charset=utf-8'], b: body }), {
          qos: 1,
          properties: { correlationData: packet.properties!.correlationData },
        });
      });
      await other.subscribeAsync(requestTopic(OTHER), { qos: 1 });
      await other.publishAsync(presenceTopic(OTHER), JSON.stringify({ tid: OTHER, online: true, lastSeen: new Date().toISOString() }), { qos: 1, retain: true });
      await until('the other terminal online', () => honest.board.isOnline(OTHER));
      evil.tamperRequest = (r) => ({ ...r, path: r.path.replace(`/terminals/${TID}/`, `/terminals/${OTHER}/`) });
      await expect(pos.status('0'.repeat(32))).rejects.toThrow(RelayAnswerRefusedError);
    } finally {
      await other.publishAsync(presenceTopic(OTHER), '', { qos: 1, retain: true });
      other.end(true);
    }
  });

  it('cannot forge an APPROVED outcome for a declined sale, nor make up an answer: the POS refuses both and says why', async () => {
    const ack = await pos.sale(1005);
    evil.tamperAnswer = (a, r) =>
      r.method === 'GET' && r.path.includes(ack.uti) ? { ...a, body: Buffer.from(a.body.toString().replace('"DECLINED"', '"APPROVED"').replace('"transApproved":false', '"transApproved":true')) } : a;
    const forged = await pos.waitForOutcome(ack.uti).catch((err: unknown) => err);
    expect(forged).toBeInstanceOf(RelayAnswerRefusedError);
    expect((forged as Error).message).toContain('was not signed by the terminal');
    evil.tamperAnswer = undefined;
    evil.answerInstead = (r) =>
      r.method === 'GET' ? { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ uti: ack.uti, status: 'APPROVED', transApproved: true })) } : undefined;
    await expect(pos.status(ack.uti)).rejects.toThrow(RelayAnswerRefusedError);
    evil.answerInstead = undefined;
    expect(await pos.waitForOutcome(ack.uti)).toMatchObject({ status: 'DECLINED' });
  });

  it('is believed only for its own failures: an unsigned 504 is a lost answer, an unsigned 409 is refused', async () => {
    evil.answerInstead = () => ({ status: 409, headers: { 'content-type': 'application/problem+json' }, body: Buffer.from(JSON.stringify({ status: 409, code: 'ALREADY_VOIDED', title: 'x' })) });
    await expect(pos.void('0'.repeat(32))).rejects.toThrow(RelayAnswerRefusedError);
    evil.answerInstead = () => ({ status: 504, headers: { 'content-type': 'application/problem+json' }, body: Buffer.from(JSON.stringify({ status: 504, code: 'RELAY_TIMEOUT', title: 'x' })) });
    await expect(pos.status('0'.repeat(32))).rejects.toMatchObject({ code: 'RELAY_TIMEOUT' });
    // It may say a terminal is offline of a sale it passed on: the POS is told it is the gateway's word, and to ask by UTI.
    evil.answerInstead = undefined;
    evil.tamperAnswer = (a, r) =>
      isSale(r) ? { status: 503, headers: { 'content-type': 'application/problem+json' }, body: Buffer.from(JSON.stringify({ status: 503, code: 'TERMINAL_OFFLINE', title: 'x' })) } : a;
    const lie = (await pos.sale(1400, { uti: 'e'.repeat(32) }).catch((err: unknown) => err)) as EposdApiError;
    expect(lie).toBeInstanceOf(EposdApiError);
    expect(lie.message).toContain("The relay gateway's word, not signed by the terminal");
    expect(lie.message).toContain(`the payment ${'e'.repeat(32)} may have started: ask for its status`);
    evil.tamperAnswer = undefined;
    expect(await pos.waitForOutcome('e'.repeat(32))).toMatchObject({ uti: 'e'.repeat(32), transAmount: 1400 });
  });
});
