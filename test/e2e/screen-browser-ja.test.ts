import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, onPrompt as on, openScreenPage, settledScreenshot, textOf } from '../helpers/browser';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { auth, pairWithScreenCode } from '../helpers/terminal';

// A Japanese cardholder's screen in a real browser (Chromium via playwright-core): a SALE with
// locale "ja" and line items, the reader in manual mode. The screenshots show the glyphs when a CJK
// font is installed (fonts-noto-cjk); the text is checked either way.

const LINE_ITEMS = [
  { name: '抹茶ラテ', quantity: 2, unitAmount: 550 },
  { name: 'どら焼き', quantity: 1, unitAmount: 400 },
];

describeInBrowser('a Japanese cardholder screen with line items, in Chromium', () => {
  let eposd: EposdProcess;
  let browser: Browser;
  let page: Page;
  let token: string;
  let uti: string;
  let pageErrors: string[] = [];
  const text = (testId: string) => textOf(page, testId);
  const shot = (name: string) => settledScreenshot(page, name);

  beforeAll(async () => {
    eposd = await startEposd({ env: { EPOSD_SIM_MODE: 'manual', EPOSD_SIM_AUTH_DELAY_MS: '300', EPOSD_CURRENCY: 'JPY' } });
    token = (await pairWithScreenCode(eposd, { registerId: 'till-ja' })).authToken;
    ({ browser, page, pageErrors } = await openScreenPage(eposd.screenUrl));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cleanupEposd();
  });

  it('shows the prompt, the type and the order lines in Japanese while it waits for the card', async () => {
    const res = await httpsJson<{ uti: string }>(`${eposd.apiUrl}/transaction?tid=${eposd.tid}`, {
      method: 'POST',
      headers: auth(token),
      body: { transType: 'SALE', amountTrans: 1500, locale: 'ja', lineItems: LINE_ITEMS, description: 'テーブル 7' },
    });
    expect(res.status).toBe(200);
    uti = res.body.uti;
    await page.waitForSelector(on('PRESENT_CARD'));
    expect(await page.locator('[data-testid="screen"]').getAttribute('lang')).toBe('ja');
    expect(await text('prompt')).toContain('カードをかざすか挿入してください');
    expect(await page.locator('#pay-type').innerText()).toBe('売上');
    const items = await text('line-items');
    expect(items).toContain('ご注文内容');
    expect(items).toContain('2 × 抹茶ラテ');
    expect(items).toContain('1 × どら焼き');
    await shot('ja-01-present-card-line-items');
  });

  it('shows the outcome in Japanese and the cardholder receipt, once the contactless card is tapped', async () => {
    await page.getByTestId('card-visa-contactless').click();
    await page.waitForSelector(on('APPROVED'));
    expect(await text('prompt')).toContain('承認されました');
    await page.getByTestId('receipt').waitFor({ state: 'visible' });
    const receipt = await text('receipt');
    expect(receipt).toContain('お客様控え');
    expect(receipt).toContain('抹茶ラテ');
    expect(receipt).toMatch(/AID: A0000000031010/);
    await shot('ja-02-approved-receipt');
  });

  it('and the POS reads the order data back with GET /transaction', async () => {
    const res = await httpsJson(`${eposd.apiUrl}/transaction?tid=${eposd.tid}&uti=${uti}`, { headers: auth(token) });
    expect(res.body).toMatchObject({ uti, status: 'APPROVED', locale: 'ja', lineItems: LINE_ITEMS, cardBrand: 'VISA', emv: { cryptogramType: 'ARQC' } });
  });

  it('ran without a script error on the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
