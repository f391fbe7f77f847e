import { createPrivateKey } from 'node:crypto';
import { BASE_PATH } from '../../../src/app';
import { RELAY_ANSWER_LIMIT_BYTES, type RelayAnswer } from '../../../src/relay/protocol';
import { apiRelay } from '../../../src/relay/start';
import { trustedRelay } from '../../../src/relay/trust';
import { RelayAnswerRefusedError, answerCheck } from '../../../src/client/relay';
import { requestDigest, requestLines, terminalPublicKey } from '../../../src/relay-trust/signatures';
import { TEST_TID } from '../../helpers/context';
import { useApi } from '../../helpers/api';
import { headerOf, json, pairThroughRelay, relayOf, send, terminalKeyPem } from '../../helpers/relay-pos';

const SALE = { transType: 'SALE', amountTrans: 1250 };

describe('The relay through a terminal that does not take plain tokens (the default)', () => {
  const t = useApi({ paired: true });

  it('pairs by CPace: the answer that crossed holds no token, and the token it seals works on the LAN', async () => {
    const relay = relayOf(t.ctx);
    const pos = await pairThroughRelay(relay, t.ctx.pairing.openWindow().code, TEST_TID, t.clock.now().getTime());
    expect(pos.answer).toMatchObject({ registerId: 'cloud-1', tid: TEST_TID, authToken: expect.any(String) as unknown });
    expect(t.ctx.pairing.authenticate(pos.answer.authToken as string)).toMatchObject({ registerId: 'cloud-1' });
  });

  it('refuses an unsigned request with a token, and the plain POST /pair, with a signed 401 that says why', async () => {
    const relay = relayOf(t.ctx);
    const code = t.ctx.pairing.openWindow().code;
    const withToken = await send(relay, { method: 'GET', url: `${BASE_PATH}/transactions`, headers: { authorization: t.token } });
    const plainPair = await send(relay, {
      method: 'POST',
      url: `${BASE_PATH}/pair`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pairingCode: code, registerId: 'gateway-till' }),
    });
    for (const a of [withToken, plainPair]) {
      expect(a.status).toBe(401);
      expect(json(a)).toMatchObject({ code: 'RELAY_SIGNATURE_REQUIRED' });
      expect(headerOf(a, 'x-eposd-answer-signature')).toMatch(/^[A-Za-z0-9_-]{86}$/);
    }
    // The code was not used: the installer's POS can still pair with it.
    expect(t.ctx.pairing.currentWindow()?.code).toBe(code);
  });

  it('serves a signed request as its register, and signs the answer for that request only', async () => {
    const relay = relayOf(t.ctx);
    const pos = await pairThroughRelay(relay, t.ctx.pairing.openWindow().code, TEST_TID, t.clock.now().getTime());
    const request = pos.request('POST', `/transaction?tid=${TEST_TID}&disablePrinting=true`, SALE);
    const answer = await send(relay, request);
    expect(answer.status).toBe(200);
    expect(json(answer)).toMatchObject({ transType: 'SALE', amountTrans: 1250 });
    const key = terminalPublicKey(pos.terminalKey);
    const lines = requestLines({
      tid: TEST_TID,
      registerId: pos.registerId,
      method: 'POST',
      url: request.url,
      contentType: 'application/json',
      body: request.body!,
      time: request.headers['x-eposd-time']!,
      nonce: request.headers['x-eposd-nonce']!,
    });
    const asReceived = {
      status: answer.status,
      headers: { 'content-type': headerOf(answer, 'content-type'), 'x-eposd-answer-signature': headerOf(answer, 'x-eposd-answer-signature') },
      raw: Buffer.from(answer.body),
    };
    expect(() => answerCheck(key, TEST_TID, requestDigest(lines), 'the sale')(asReceived)).not.toThrow();
    const forged = { ...asReceived, raw: Buffer.from(answer.body.replace('1250', '9999')) };
    expect(() => answerCheck(key, TEST_TID, requestDigest(lines), 'the sale')(forged)).toThrow(RelayAnswerRefusedError);
  });

  it('refuses a request whose amount was changed, a replayed one and one signed too far from its clock; nothing runs', async () => {
    const relay = relayOf(t.ctx);
    const pos = await pairThroughRelay(relay, t.ctx.pairing.openWindow().code, TEST_TID, t.clock.now().getTime());
    const request = pos.request('POST', `/transaction?tid=${TEST_TID}`, SALE);
    const altered = await send(relay, { ...request, body: request.body!.replace('1250', '125000') });
    expect(json(altered)).toMatchObject({ code: 'RELAY_SIGNATURE_INVALID' });
    const swapped = await send(relay, { ...request, url: `${BASE_PATH}/transaction?tid=99999999` });
    expect(json(swapped)).toMatchObject({ code: 'RELAY_SIGNATURE_INVALID' });
    expect((await send(relay, request)).status).toBe(200);
    expect(json(await send(relay, request))).toMatchObject({ code: 'RELAY_REPLAYED' });
    pos.signer.offsetMs -= 6 * 60_000;
    const late = await send(relay, pos.request('GET', '/transactions'));
    expect(json(late)).toMatchObject({ code: 'RELAY_CLOCK_SKEW', terminalTime: t.clock.now().getTime() });
    expect(t.ctx.db.prepare('SELECT count(*) AS n FROM transactions').get()).toEqual({ n: 1 });
  });

  it('refuses a request signed by a register that was unpaired since', async () => {
    const relay = relayOf(t.ctx);
    const pos = await pairThroughRelay(relay, t.ctx.pairing.openWindow().code, TEST_TID, t.clock.now().getTime());
    t.ctx.pairing.unpair(pos.registerId);
    expect(json(await send(relay, pos.request('GET', '/transactions')))).toMatchObject({ code: 'RELAY_SIGNATURE_INVALID' });
  });

  it('gives a pairing window 5 relay sessions, then closes it, as 5 wrong codes do on the LAN', async () => {
    const relay = relayOf(t.ctx);
    const code = t.ctx.pairing.openWindow().code;
    const guesses: number[] = [];
    for (let i = 0; i < 5; i++)
      guesses.push(
        await pairThroughRelay(relay, '000000' === code ? '111111' : '000000', TEST_TID, t.clock.now().getTime()).then(
          () => 200,
          () => 401,
        ),
      );
    expect(guesses).toEqual([401, 401, 401, 401, 401]);
    await expect(pairThroughRelay(relay, code, TEST_TID)).rejects.toThrow(/pair start answered 401/);
    expect(t.ctx.pairing.currentWindow()).toBeUndefined();
  });
});

describe('The relay with EPOSD_RELAY_PLAIN_TOKENS (the weaker mode)', () => {
  const t = useApi({ paired: true });

  it('serves an unsigned request with its token, and still signs the answer', async () => {
    const answer = await send(relayOf(t.ctx, true), { method: 'GET', url: `${BASE_PATH}/transactions`, headers: { authorization: t.token } });
    expect(answer.status).toBe(200);
    expect(headerOf(answer, 'x-eposd-answer-signature')).toBeDefined();
  });
});

describe("The terminal's relay answers", () => {
  const t = useApi({ paired: true });
  const stubbed = (answer: Promise<RelayAnswer>) =>
    trustedRelay({
      tid: TEST_TID,
      api: { handle: () => ({ answer, abandon: () => undefined }), write: apiRelay(t.ctx).write },
      pairing: t.ctx.pairing,
      audit: t.ctx.audit,
      terminalKey: createPrivateKey(terminalKeyPem()),
      terminalSpki: Buffer.alloc(0),
      plainTokens: true,
      basePath: BASE_PATH,
      now: () => t.clock.now().getTime(),
    });

  it('answers 502 RELAY_ANSWER_TOO_LARGE at once for an answer the relay cannot carry, signed', async () => {
    const huge = { status: 200, headers: ['Content-Type', 'application/json'], body: JSON.stringify({ rows: 'x'.repeat(RELAY_ANSWER_LIMIT_BYTES) }) };
    const answer = await send(stubbed(Promise.resolve(huge)), { method: 'GET', url: `${BASE_PATH}/transactions`, headers: { authorization: t.token } });
    expect(answer.status).toBe(502);
    expect(json(answer)).toMatchObject({ code: 'RELAY_ANSWER_TOO_LARGE' });
    expect(headerOf(answer, 'x-eposd-answer-signature')).toBeDefined();
  });

  it('answers 500 INTERNAL_ERROR when the handler failed, never silence', async () => {
    const answer = await send(stubbed(Promise.reject(new Error('boom at /srv/eposd/x.js'))), { method: 'GET', url: `${BASE_PATH}/transactions`, headers: { authorization: t.token } });
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('boom');
  });
});
