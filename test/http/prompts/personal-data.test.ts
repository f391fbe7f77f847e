import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import type { EndedPrompt, PromptAck } from '../../../src/prompts/prompts.schemas';
import { useApi } from '../../helpers/api';
import { bodyOf } from '../../helpers/bodies';
import { capturingLogger, MANUAL_SIMULATOR_ENV } from '../../helpers/payments';
import { actOn, getPrompt, postPrompt } from '../../helpers/screen-calls';
import { openSse } from '../../helpers/sse';
import { LOOPBACK_WEBHOOKS_ENV, WebhookReceiver } from '../../helpers/webhook-receiver';

// A prompt's answer is personal data: kept sealed, only as long as EPOSD_PROMPT_ANSWER_TTL_S, only for
// the register that asked, and never in a log, the audit trail, a [screen] line or the webhook outbox.

const EMAIL = 'jane.personal@example.org';

describe('the answers to prompts, as personal data', () => {
  const captured = capturingLogger('debug');
  const t = useApi(() => ({ env: { ...MANUAL_SIMULATOR_ENV, ...LOOPBACK_WEBHOOKS_ENV, EPOSD_PROMPT_ANSWER_TTL_S: '60' }, logger: captured.logger, listen: true }));
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  afterEach(() => receiver.stop());

  const pair = async (registerId: string, callbackEvents?: string) => {
    const { code } = t.ctx.pairing.openWindow();
    const res = await request(t.app)
      .get(`${BASE_PATH}/pair`)
      .query({ pairingCode: code, registerId, callbackUrl: receiver.url, ...(callbackEvents ? { callbackEvents } : {}) });
    return (res.body as { authToken: string }).authToken;
  };
  const askEmail = async (token: string) => bodyOf<PromptAck>(await postPrompt(t.app, token, { type: 'email', title: 'Email for the receipt?' })).promptId;

  it('is sealed in the database, and the audit trail, the log, the screen lines and the outbox never hold it', async () => {
    const token = await pair('till-1', 'prompt.answered,prompt.ended');
    const promptId = await askEmail(token);
    await actOn(t.screen, { action: 'answerPrompt', promptId, value: EMAIL });
    await t.ctx.webhooks.idle();
    const sealed = t.ctx.db.prepare<[string], { answer: Buffer }>('SELECT answer FROM prompts WHERE prompt_id = ?').get(promptId)!.answer;
    expect(sealed.length).toBeGreaterThan(28);
    expect(sealed.toString('latin1')).not.toContain('personal');
    const everywhere = JSON.stringify({
      audit: t.ctx.db.prepare('SELECT * FROM audit_events').all(),
      outbox: t.ctx.db.prepare('SELECT delivery_id, uti, event, payload FROM webhook_deliveries').all(),
      log: captured.lines,
      screen: t.screenLines,
    });
    expect(everywhere).not.toContain('personal');
    expect(everywhere).toContain(promptId);
    // The webhook carries it, read from the prompt when sent.
    expect(receiver.received.map((h) => [h.headers['x-eposd-event'], (JSON.parse(h.body) as EndedPrompt).value])).toEqual([['prompt.answered', EMAIL]]);
  });

  it('is erased EPOSD_PROMPT_ANSWER_TTL_S after it came: the POS reads ANSWERED with answerErasedAt, and a webhook sent then carries no value', async () => {
    const token = await pair('till-1');
    const promptId = await askEmail(token);
    await actOn(t.screen, { action: 'answerPrompt', promptId, value: EMAIL });
    t.clock.advance(59_999);
    expect(bodyOf<EndedPrompt>(await getPrompt(t.app, token, promptId)).value).toBe(EMAIL);
    t.clock.advance(1);
    const after = bodyOf<EndedPrompt>(await getPrompt(t.app, token, promptId));
    expect(after).toMatchObject({ status: 'ANSWERED', answerErasedAt: t.clock.now().toISOString() });
    expect(after.value).toBeUndefined();
    expect(t.ctx.prompts.webhookBody(promptId)).not.toHaveProperty('value');
  });

  it('is erased by its timer, in the database itself', async () => {
    const token = await pair('till-1');
    const promptId = await askEmail(token);
    await actOn(t.screen, { action: 'answerPrompt', promptId, value: EMAIL });
    const answerOf = () => t.ctx.db.prepare<[string], { answer: Buffer | null; erased: number | null }>('SELECT answer, answer_erased_at AS erased FROM prompts WHERE prompt_id = ?').get(promptId)!;
    expect(answerOf().answer).not.toBeNull();
    // The timer runs on real time; the clock it reads says the time is up.
    t.clock.advance(60_000);
    t.ctx.prompts.stop();
    t.ctx.prompts.start();
    expect(answerOf()).toEqual({ answer: null, erased: t.clock.now().getTime() });
  });

  it('goes to the event stream of the register that asked, and to no other register’s', async () => {
    const token = await pair('till-1');
    const other = await pair('till-2');
    const mine = await openSse(`${t.server.url}${BASE_PATH}/events`, { authorization: token });
    const theirs = await openSse(`${t.server.url}${BASE_PATH}/events`, { authorization: other });
    try {
      const skipped = bodyOf<PromptAck>(await postPrompt(t.app, token, { type: 'confirm', title: 'Bag?' })).promptId;
      await actOn(t.screen, { action: 'skipPrompt', promptId: skipped });
      const promptId = await askEmail(token);
      await actOn(t.screen, { action: 'answerPrompt', promptId, value: EMAIL });
      const frames = await mine.waitForFrames(2);
      expect(frames.map((f) => [f.event, (JSON.parse(f.data) as EndedPrompt).status])).toEqual([
        ['prompt.ended', 'SKIPPED'],
        ['prompt.answered', 'ANSWERED'],
      ]);
      expect((JSON.parse(frames[1]!.data) as EndedPrompt).value).toBe(EMAIL);
      await new Promise((r) => setTimeout(r, 100));
      expect(theirs.frames).toEqual([]);
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it('goes by webhook only to a register that chose prompt events', async () => {
    const token = await pair('till-1');
    const promptId = await askEmail(token);
    await actOn(t.screen, { action: 'answerPrompt', promptId, value: EMAIL });
    await t.ctx.webhooks.idle();
    expect(receiver.received).toEqual([]);
  });
});
