import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { EndedPrompt, PromptAck } from '../../src/prompts/prompts.schemas';
import { describeInBrowser, FINITE_ANIMATIONS_DONE, openScreenPage, SCREENS, textOf } from '../helpers/browser';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { auth, pairWithScreenCode } from '../helpers/terminal';

// The POS drives the screen, in a real browser (Chromium via playwright-core): its basket shown and
// updated, and each type of prompt answered as a cardholder would, by tapping, typing on the keyboard
// or the keypad, and drawing a signature with the pointer; the POS reads the outcome over HTTPS.

describeInBrowser('the customer display and prompts on the terminal screen in Chromium', () => {
  let eposd: EposdProcess;
  let browser: Browser;
  let page: Page;
  let token: string;
  let pageErrors: string[] = [];
  const text = (testId: string) => textOf(page, testId);
  const call = <T>(method: string, path: string, body?: unknown) => httpsJson<T>(`${eposd.apiUrl}${path}`, { method, headers: auth(token), body });
  const ask = async (body: Record<string, unknown>) => {
    const res = await call<PromptAck>('POST', '/prompt', body);
    expect(res.status).toBe(200);
    await page.waitForSelector(`[data-testid="screen"][data-screen="prompt"] [data-testid="ask-title"]:text("${String(body.title)}")`);
    return res.body.promptId;
  };
  /** The outcome as the POS reads it, held until the prompt has ended. */
  const outcome = async (promptId: string) => {
    const res = await call<EndedPrompt>('GET', `/prompt?promptId=${promptId}&wait=10`);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    eposd = await startEposd({ env: { EPOSD_SIM_MODE: 'manual', EPOSD_CURRENCY: 'EUR' } });
    token = (await pairWithScreenCode(eposd, { registerId: 'till-1' })).authToken;
    ({ browser, page, pageErrors } = await openScreenPage(eposd.screenUrl));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cleanupEposd();
  });

  it('shows the basket as the POS sends it, and what changed with a highlight', async () => {
    const items = [
      { name: 'Flat white', quantity: 2, unitAmount: 350 },
      { name: 'Croissant', quantity: 1, unitAmount: 250 },
    ];
    expect((await call('PUT', '/display', { lineItems: items, tax: 76 })).status).toBe(200);
    await page.waitForSelector('[data-testid="screen"][data-screen="display"]');
    expect(await text('display-lines')).toBe('2 × Flat white €7.00 1 × Croissant €2.50');
    expect(await text('display-total')).toBe('€10.26');
    const next = [
      { name: 'Flat white', quantity: 3, unitAmount: 350 },
      { name: 'Croissant', quantity: 1, unitAmount: 250 },
      { name: 'Orange juice', quantity: 1, unitAmount: 400 },
    ];
    expect((await call('PUT', '/display', { lineItems: next, message: 'Scan to join our club', qr: 'https://example.com/club?till=1' })).status).toBe(200);
    await page.waitForFunction(`document.querySelectorAll('[data-testid="display-lines"] li').length === 3`);
    const lines = page.locator('[data-testid="display-lines"] li');
    const changes = await Promise.all([0, 1, 2].map(async (i) => [await lines.nth(i).getAttribute('class'), await lines.nth(i).getAttribute('data-change')]));
    expect(changes).toEqual([
      ['changed', 'changed'],
      [null, null],
      ['added', 'added'],
    ]);
    expect(await text('display-total')).toBe('€17.00');
    expect(await page.locator('#disp-qr-path').getAttribute('d')).toMatch(/^M0 0h7v1h-7z/);
    await page.locator('.device').screenshot({ path: join(SCREENS, '20-customer-display-device.png') });
    // Once the highlight has played, the basket as it stays.
    await page.evaluate(FINITE_ANIMATIONS_DONE);
    expect((await call('DELETE', '/display')).status).toBe(204);
    await page.waitForSelector('[data-testid="screen"][data-screen="idle"]');
  });

  it('confirm: the cardholder taps Yes', async () => {
    const promptId = await ask({ type: 'confirm', title: 'Add a bag for 0.10?' });
    await page.getByTestId('ask-yes').click();
    expect(await outcome(promptId)).toMatchObject({ status: 'ANSWERED', value: true });
  });

  it('select: two options ticked, then OK, in Spanish', async () => {
    const promptId = await ask({
      type: 'select',
      title: '¿Extras?',
      multiple: true,
      locale: 'es',
      options: [
        { id: 'milk', label: 'Leche' },
        { id: 'sugar', label: 'Azúcar' },
        { id: 'ice', label: 'Hielo' },
      ],
    });
    expect(await page.getByTestId('ask-ok').innerText()).toBe('Aceptar');
    await page.getByTestId('ask-option-ice').click();
    await page.getByTestId('ask-option-milk').click();
    await page.getByTestId('ask-ok').click();
    expect(await outcome(promptId)).toMatchObject({ status: 'ANSWERED', value: ['milk', 'ice'] });
  });

  it('email: one that is not one is refused on the screen in German, then the right one is taken', async () => {
    const promptId = await ask({ type: 'email', title: 'E-Mail für den Beleg?', locale: 'de' });
    await page.getByTestId('ask-field').fill('anna@beispiel');
    await page.keyboard.press('Enter');
    await page.getByTestId('ask-error').waitFor({ state: 'visible' });
    expect(await text('ask-error')).toBe('Das ist keine E-Mail-Adresse');
    await page.getByTestId('ask-field').fill('Anna@Beispiel.DE');
    await page.keyboard.press('Enter');
    expect(await outcome(promptId)).toMatchObject({ status: 'ANSWERED', value: 'Anna@beispiel.de' });
  });

  it('phone: typed on the keypad after the calling code the POS gave, in Japanese', async () => {
    const promptId = await ask({ type: 'phone', title: 'お電話番号は？', callingCode: '81', locale: 'ja' });
    expect(await page.getByTestId('ask-field').inputValue()).toBe('+81 ');
    for (const digit of '312345678') await page.getByTestId(`key-${digit}`).click();
    await page.getByTestId('key-enter').click();
    expect(await outcome(promptId)).toMatchObject({ status: 'ANSWERED', value: '+81312345678' });
  });

  it('number and text: typed on the keyboard', async () => {
    const weight = await ask({ type: 'number', title: 'Weight?', decimals: 1, min: 0, max: 30, unit: 'kg' });
    await page.getByTestId('ask-field').pressSequentially('12,5');
    await page.keyboard.press('Enter');
    expect(await outcome(weight)).toMatchObject({ status: 'ANSWERED', value: 12.5 });
    const name = await ask({ type: 'text', title: 'Name for the order?', required: true });
    expect(await page.getByTestId('ask-skip').count()).toBe(0);
    await page.getByTestId('ask-field').pressSequentially('Ana');
    await page.getByTestId('ask-ok').click();
    expect(await outcome(name)).toMatchObject({ status: 'ANSWERED', value: 'Ana' });
  });

  it('skip, and Cancel on the keyboard (Escape)', async () => {
    const skipped = await ask({ type: 'email', title: 'Email for offers?' });
    await page.getByTestId('ask-skip').click();
    expect(await outcome(skipped)).toMatchObject({ status: 'SKIPPED' });
    const cancelled = await ask({ type: 'text', title: 'Anything else?' });
    await page.getByTestId('ask-field').focus();
    await page.keyboard.press('Escape');
    expect(await outcome(cancelled)).toMatchObject({ status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED' });
  });

  it('signature: drawn with pointer moves on the canvas; the POS gets SVG path data and a PNG', async () => {
    const promptId = await ask({ type: 'signature', title: 'Sign for your delivery', required: true });
    const pad = await page.getByTestId('ask-pad').boundingBox();
    const at = (fx: number, fy: number): [number, number] => [pad!.x + pad!.width * fx, pad!.y + pad!.height * fy];
    const stroke = async (points: [number, number][]) => {
      await page.mouse.move(...at(...points[0]!));
      await page.mouse.down();
      for (const p of points.slice(1)) await page.mouse.move(...at(...p), { steps: 6 });
      await page.mouse.up();
    };
    await stroke([
      [0.1, 0.7],
      [0.2, 0.25],
      [0.3, 0.75],
      [0.42, 0.3],
      [0.55, 0.7],
    ]);
    await stroke([
      [0.6, 0.55],
      [0.9, 0.5],
    ]);
    await page.locator('.device').screenshot({ path: join(SCREENS, '21-signature-device.png') });
    await page.getByTestId('ask-ok').click();
    const { status, value } = await outcome(promptId);
    expect(status).toBe('ANSWERED');
    const signature = value as { svgPath: string; png: string; strokes: number; width: number; height: number };
    expect(signature).toMatchObject({ strokes: 2, width: 560, height: 320 });
    expect(signature.svgPath.match(/M/g)).toHaveLength(2);
    expect(signature.svgPath.match(/L/g)!.length).toBeGreaterThan(10);
    // The PNG as an image viewer sees it: decoded by the browser, the size of the pad, ink where the
    // first stroke began and none in a corner no stroke came near.
    const seen = await page.evaluate(`(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${signature.png}';
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const grey = (x, y) => ctx.getImageData(x, y, 1, 1).data[0];
      const all = ctx.getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < all.length; i += 4) if (all[i] < 128) ink += 1;
      return { width: c.width, height: c.height, start: grey(56, 224), corner: grey(5, 5), ink };
    })()`);
    expect(seen).toMatchObject({ width: 560, height: 320, start: 0, corner: 255 });
    expect((seen as { ink: number }).ink).toBeGreaterThan(500);
  });

  it('ran without a script error on the page (the one 400 is the email refused)', () => {
    expect(pageErrors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });
});
