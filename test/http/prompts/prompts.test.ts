import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import type { EndedPrompt, OpenPrompt, PromptAck } from '../../../src/prompts/prompts.schemas';
import { useApi } from '../../helpers/api';
import { bodyOf } from '../../helpers/bodies';
import { dbSnapshot } from '../../helpers/db';
import { MANUAL_SIMULATOR_ENV, startPayment, untilStage } from '../../helpers/payments';
import { expectProblem } from '../../helpers/problem';
import { PROMPT_PATH, actOn, deletePrompt, getPrompt, postPrompt, shownOn } from '../../helpers/screen-calls';

const SIGNATURE = {
  width: 400,
  height: 150,
  strokes: [
    [
      [20, 100],
      [60, 40],
      [100, 110],
      [140, 50],
    ],
    [
      [180, 90],
      [260, 90],
    ],
  ],
};

describe('POST /payntpos/1.0.0/prompt and the cardholder answering it on the screen', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });
  const ask = async (body: Record<string, unknown>) => {
    const res = await postPrompt(t.app, t.token, body);
    expect(res.status).toBe(200);
    return bodyOf<PromptAck>(res);
  };
  const answer = (promptId: string, value: unknown) => actOn(t.screen, { action: 'answerPrompt', promptId, value });
  const outcome = async (promptId: string) => {
    const res = await getPrompt(t.app, t.token, promptId);
    expect(res.status).toBe(200);
    return bodyOf<EndedPrompt>(res);
  };

  it.each([
    ['confirm', { type: 'confirm', title: 'Add a bag for 0.10?' }, true, true],
    [
      'select, one',
      {
        type: 'select',
        title: 'Size?',
        options: [
          { id: 's', label: 'Small' },
          { id: 'l', label: 'Large' },
        ],
      },
      ['l'],
      ['l'],
    ],
    [
      'select, several (in the order offered)',
      {
        type: 'select',
        title: 'Extras?',
        multiple: true,
        options: [
          { id: 'milk', label: 'Milk' },
          { id: 'sugar', label: 'Sugar' },
          { id: 'ice', label: 'Ice' },
        ],
      },
      ['ice', 'milk'],
      ['milk', 'ice'],
    ],
    ['text (trimmed)', { type: 'text', title: 'Name for the order?' }, '  Ana  ', 'Ana'],
    ['email (the domain in lower case)', { type: 'email', title: 'Email for the receipt?' }, ' Jane.Doe@Example.COM ', 'Jane.Doe@example.com'],
    ['phone (E.164)', { type: 'phone', title: 'Phone for the table?', callingCode: '44' }, '+44 (0)20 7946-0000'.replace('(0)', ''), '+442079460000'],
    ['phone with 00', { type: 'phone', title: 'Phone?' }, '0049 30 123456', '+4930123456'],
    ['number with decimals (a comma typed)', { type: 'number', title: 'Weight?', min: 0, max: 50, decimals: 2, unit: 'kg' }, '12,5', 12.5],
  ])('%s: shows it, takes the answer and gives the POS the value', async (_what, body, typed, value) => {
    const { promptId, type } = await ask(body);
    expect(type).toBe(body.type);
    const shown = await shownOn(t.screen);
    expect(shown).toMatchObject({ screen: 'prompt', ready: false, prompt: { promptId, type: body.type, title: body.title, required: false, locale: 'en' } });
    expect(bodyOf<OpenPrompt>(await getPrompt(t.app, t.token, promptId))).toMatchObject({ promptId, status: 'OPEN', registerId: 'till-1' });
    expect((await answer(promptId, typed)).status).toBe(200);
    expect(await outcome(promptId)).toMatchObject({ promptId, status: 'ANSWERED', statusReason: null, value });
    expect((await shownOn(t.screen)).screen).toBe('idle');
    // The answer is personal data: never on a [screen] line.
    expect(t.screenLines.join('\n')).not.toContain(JSON.stringify(value).replace(/"/g, ''));
  });

  it('signature: answers SVG path data, a PNG of the pad and the stroke count', async () => {
    const { promptId } = await ask({ type: 'signature', title: 'Sign for the delivery', required: true });
    expect((await answer(promptId, SIGNATURE)).status).toBe(200);
    const value = (await outcome(promptId)).value as { svgPath: string; png: string; strokes: number; width: number; height: number };
    expect(value).toMatchObject({ strokes: 2, width: 400, height: 150, svgPath: 'M20 100L60 40L100 110L140 50M180 90L260 90' });
    const png = Buffer.from(value.png, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([400, 150]);
  });

  it.each([
    ['an email that is not one', { type: 'email', title: 'Email?', locale: 'es' }, 'jane@example', 'No es una dirección de correo válida'],
    ['a phone without its country code', { type: 'phone', title: 'Tel?', locale: 'de' }, '030 123456', 'Bitte die Nummer mit Ländervorwahl eingeben, z. B. +49 30 123456'],
    ['a number out of bounds', { type: 'number', title: 'Age?', min: 18, max: 120, locale: 'ja' }, '12', '18から120までの数値を入力してください'],
    ['a number under its minimum (written the way German writes numbers)', { type: 'number', title: 'Gewicht?', min: 0.5, decimals: 1, locale: 'de' }, '0,2', 'Bitte eine Zahl ab 0,5 eingeben'],
    ['a number over its maximum', { type: 'number', title: 'Personas?', max: 12, locale: 'es' }, '13', 'Escriba un número igual o menor que 12'],
    ['a number with too many decimals', { type: 'number', title: 'Weight?', decimals: 1 }, '1.25', 'Too many decimals: 1 at most'],
    ['a number with decimals where whole numbers are asked', { type: 'number', title: 'Guests?' }, '2.5', 'Enter a whole number'],
    ['what is not a number', { type: 'number', title: 'Guests?', min: 1, max: 9 }, 'two', 'Enter a number'],
    [
      'an option not offered',
      {
        type: 'select',
        title: 'Size?',
        options: [
          { id: 's', label: 'S' },
          { id: 'l', label: 'L' },
        ],
      },
      ['xl'],
      'Choose from the options shown',
    ],
    [
      'two options where one is asked',
      {
        type: 'select',
        title: 'Size?',
        options: [
          { id: 's', label: 'S' },
          { id: 'l', label: 'L' },
        ],
      },
      ['s', 'l'],
      'Choose from the options shown',
    ],
    ['a text too long', { type: 'text', title: 'Note?', maxLength: 5 }, 'abcdefg', 'At most 5 characters'],
    ['a text with a control character', { type: 'text', title: 'Note?' }, 'a\u001b[2Jb', 'The text holds a character that cannot be used'],
    ['a tap for a signature', { type: 'signature', title: 'Sign' }, { width: 400, height: 150, strokes: [[[10, 10]]] }, 'Please sign in the box'],
    ['nothing for a confirm', { type: 'confirm', title: 'OK?', locale: 'es' }, 'yes', 'Se necesita una respuesta'],
  ])('refuses %s on the screen, in the prompt’s language, and keeps the prompt open', async (_what, body, typed, message) => {
    const { promptId } = await ask(body);
    const before = dbSnapshot(t.ctx.db);
    const res = await answer(promptId, typed);
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'value', message }]);
    expect((await shownOn(t.screen)).prompt).toMatchObject({ promptId, error: message });
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect((await getPrompt(t.app, t.token, promptId)).status).toBe(202);
  });

  it('ends SKIPPED when the cardholder skips, unless it is required (409 ACTION_NOT_POSSIBLE)', async () => {
    const { promptId } = await ask({ type: 'email', title: 'Email?' });
    expect((await actOn(t.screen, { action: 'skipPrompt', promptId })).status).toBe(200);
    expect(await outcome(promptId)).toMatchObject({ status: 'SKIPPED', statusReason: null });
    expect((await outcome(promptId)).value).toBeUndefined();
    const required = await ask({ type: 'email', title: 'Email?', required: true });
    expectProblem(await actOn(t.screen, { action: 'skipPrompt', promptId: required.promptId }), 409, 'ACTION_NOT_POSSIBLE');
    expect((await getPrompt(t.app, t.token, required.promptId)).status).toBe(202);
  });

  it('ends CANCELLED by the POS (DELETE /prompt: POS_CANCELLED) or the cardholder (Cancel: CUSTOMER_CANCELLED), once', async () => {
    const first = await ask({ type: 'confirm', title: 'Bag?' });
    const res = await deletePrompt(t.app, t.token, first.promptId);
    expect(res.status).toBe(200);
    expect(bodyOf<EndedPrompt>(res)).toMatchObject({ status: 'CANCELLED', statusReason: 'POS_CANCELLED' });
    const again = expectProblem(await deletePrompt(t.app, t.token, first.promptId), 409, 'PROMPT_ENDED');
    expect(again).toMatchObject({ promptId: first.promptId, promptStatus: 'CANCELLED' });
    expectProblem(await answer(first.promptId, true), 409, 'ACTION_NOT_POSSIBLE');
    const second = await ask({ type: 'confirm', title: 'Bag?' });
    expect((await actOn(t.screen, { action: 'cancel' })).status).toBe(200);
    expect(await outcome(second.promptId)).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED' });
  });

  it('ends TIMED_OUT after timeoutSeconds, and an answer after it is refused', async () => {
    const { promptId, expiresAt } = await ask({ type: 'confirm', title: 'Bag?', timeoutSeconds: 30 });
    expect(Date.parse(expiresAt) - t.clock.now().getTime()).toBe(30_000);
    t.clock.advance(29_999);
    expect((await getPrompt(t.app, t.token, promptId)).status).toBe(202);
    t.clock.advance(1);
    expect(await outcome(promptId)).toMatchObject({ status: 'TIMED_OUT', statusReason: 'PROMPT_TIMEOUT' });
    expectProblem(await answer(promptId, true), 409, 'ACTION_NOT_POSSIBLE');
    expect((await shownOn(t.screen)).screen).toBe('idle');
  });

  it('holds GET /prompt?wait=N until the answer comes', async () => {
    const { promptId } = await ask({ type: 'confirm', title: 'Bag?' });
    const waiting = getPrompt(t.app, t.token, promptId, 10).then((r) => r);
    await new Promise((r) => setTimeout(r, 100));
    await answer(promptId, false);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(bodyOf<EndedPrompt>(res)).toMatchObject({ status: 'ANSWERED', value: false });
  });

  describe('retries with the same promptId', () => {
    it('replays the acknowledgement and opens nothing new, before and after the prompt ends', async () => {
      const body = { promptId: 'bag-42', type: 'confirm', title: 'Add a bag?', locale: 'de' };
      const first = await ask(body);
      expect(first.promptId).toBe('bag-42');
      // The same body, its keys in another order.
      expect(await ask({ locale: 'de', title: 'Add a bag?', type: 'confirm', promptId: 'bag-42' })).toEqual(first);
      await answer('bag-42', true);
      expect(await ask(body)).toEqual(first);
      expect(await outcome('bag-42')).toMatchObject({ status: 'ANSWERED', value: true });
      expect((await shownOn(t.screen)).screen).toBe('idle');
    });

    it('answers 409 PROMPT_ID_CONFLICT for another body or another register, and changes nothing', async () => {
      await ask({ promptId: 'p-1', type: 'confirm', title: 'Add a bag?' });
      const before = dbSnapshot(t.ctx.db);
      expect(expectProblem(await postPrompt(t.app, t.token, { promptId: 'p-1', type: 'confirm', title: 'Add two bags?' }), 409, 'PROMPT_ID_CONFLICT')).toMatchObject({ promptId: 'p-1' });
      const other = await t.pairPos('till-2');
      const after = dbSnapshot(t.ctx.db);
      expectProblem(await postPrompt(t.app, other, { promptId: 'p-1', type: 'confirm', title: 'Add a bag?' }), 409, 'PROMPT_ID_CONFLICT');
      expect(dbSnapshot(t.ctx.db).tables.prompts).toEqual(before.tables.prompts);
      expect(dbSnapshot(t.ctx.db)).toEqual(after);
    });
  });

  describe('one thing on the screen at a time', () => {
    it('answers a prompt during a payment 409 TERMINAL_BUSY with the payment’s uti and stage', async () => {
      const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: 1000 });
      await untilStage(t.ctx, uti, 'AWAITING_CARD');
      const before = dbSnapshot(t.ctx.db);
      expect(expectProblem(await postPrompt(t.app, t.token, { type: 'confirm', title: 'Bag?' }), 409, 'TERMINAL_BUSY')).toMatchObject({ uti, stage: 'AWAITING_CARD' });
      expect(dbSnapshot(t.ctx.db).tables.prompts).toEqual(before.tables.prompts);
    });

    it('answers a payment or a second prompt during a prompt 409 TERMINAL_BUSY with its promptId, and creates nothing', async () => {
      const { promptId } = await ask({ type: 'confirm', title: 'Bag?' });
      const before = dbSnapshot(t.ctx.db);
      const pay = await request(t.app).post(`${BASE_PATH}/transaction`).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1000 });
      expect(expectProblem(pay, 409, 'TERMINAL_BUSY')).toMatchObject({ promptId });
      const other = await postPrompt(t.app, t.token, { type: 'email', title: 'Email?' });
      expect(expectProblem(other, 409, 'TERMINAL_BUSY')).toMatchObject({ promptId });
      expect(dbSnapshot(t.ctx.db).tables.transactions).toEqual(before.tables.transactions);
      expect(dbSnapshot(t.ctx.db).tables.prompts).toEqual(before.tables.prompts);
      await answer(promptId, true);
      expect((await request(t.app).post(`${BASE_PATH}/transaction`).set('Authorization', t.token).send({ transType: 'SALE', amountTrans: 1000 })).status).toBe(200);
    });
  });

  describe('refusals that change nothing', () => {
    const u = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true, unchangedDatabase: true });
    it.each([
      ['an unknown type', { type: 'colour', title: 'Colour?' }, 'type', 'must be one of confirm, select, text, email, phone, number, signature'],
      ['a select of one option', { type: 'select', title: 'Size?', options: [{ id: 's', label: 'S' }] }, 'options', undefined],
      [
        'options with the same id',
        {
          type: 'select',
          title: 'Size?',
          options: [
            { id: 's', label: 'S' },
            { id: 's', label: 'Small' },
          ],
        },
        'options',
        'must have different ids',
      ],
      ['a title with a line break', { type: 'confirm', title: 'Bag?\nReally?' }, 'title', undefined],
      ['a field of another type', { type: 'confirm', title: 'Bag?', options: [] }, 'options', undefined],
      ['a timeout of 2 s', { type: 'confirm', title: 'Bag?', timeoutSeconds: 2 }, 'timeoutSeconds', undefined],
      ['min above max', { type: 'number', title: 'Age?', min: 10, max: 5 }, 'min', 'must not be above max'],
    ])('%s: 400 VALIDATION_FAILED naming the field', async (_what, body, field, message) => {
      const errors = expectProblem(await postPrompt(u.app, u.token, body), 400, 'VALIDATION_FAILED').errors ?? [];
      expect(errors.map((e) => e.field)).toContain(field);
      if (message) expect(errors.find((e) => e.field === field)?.message).toBe(message);
      expect((await shownOn(u.screen)).screen).toBe('idle');
    });

    it('a prompt unknown: 404 PROMPT_NOT_FOUND on GET and DELETE', async () => {
      expectProblem(await getPrompt(u.app, u.token, 'nope'), 404, 'PROMPT_NOT_FOUND');
      expectProblem(await deletePrompt(u.app, u.token, 'nope'), 404, 'PROMPT_NOT_FOUND');
    });

    it("another terminal's tid: 400 TID_MISMATCH on POST, GET and DELETE", async () => {
      const other = { tid: '87654321' };
      expectProblem(await request(u.app).post(PROMPT_PATH).query(other).set('Authorization', u.token).send({ type: 'confirm', title: 'Bag?' }), 400, 'TID_MISMATCH');
      expectProblem(
        await request(u.app)
          .get(PROMPT_PATH)
          .query({ ...other, promptId: 'p-1' })
          .set('Authorization', u.token),
        400,
        'TID_MISMATCH',
      );
      expectProblem(
        await request(u.app)
          .delete(PROMPT_PATH)
          .query({ ...other, promptId: 'p-1' })
          .set('Authorization', u.token),
        400,
        'TID_MISMATCH',
      );
      expect((await shownOn(u.screen)).screen).toBe('idle');
    });

    it('a damaged database: 503 STORAGE_CORRUPT, and nothing on the screen', async () => {
      u.ctx.storage.markCorrupt('a test');
      expectProblem(await postPrompt(u.app, u.token, { type: 'email', title: 'Email?' }), 503, 'STORAGE_CORRUPT');
      expect((await shownOn(u.screen)).prompt).toBeUndefined();
    });
  });

  it("another register can neither read nor cancel a register's prompt (403 FORBIDDEN)", async () => {
    const { promptId } = await ask({ type: 'email', title: 'Email?' });
    const other = await t.pairPos('till-2');
    expectProblem(await getPrompt(t.app, other, promptId), 403, 'FORBIDDEN');
    expectProblem(await deletePrompt(t.app, other, promptId), 403, 'FORBIDDEN');
    expect((await getPrompt(t.app, t.token, promptId)).status).toBe(202);
  });

  it('cancels the open prompt of a register that unpairs (REGISTER_UNPAIRED) and erases its answers', async () => {
    const done = await ask({ type: 'email', title: 'Email?' });
    await answer(done.promptId, 'jane@example.com');
    await ask({ type: 'confirm', title: 'Bag?' });
    await request(t.app).delete(`${BASE_PATH}/pair`).set('Authorization', t.token);
    const rows = t.ctx.db.prepare('SELECT prompt_id AS promptId, status, status_reason AS reason, answer FROM prompts ORDER BY id').all();
    expect(rows).toEqual([
      { promptId: done.promptId, status: 'ANSWERED', reason: null, answer: null },
      { promptId: expect.any(String) as string, status: 'CANCELLED', reason: 'REGISTER_UNPAIRED', answer: null },
    ]);
    expect((await shownOn(t.screen)).screen).toBe('idle');
  });
});
