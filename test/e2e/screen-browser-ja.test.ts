import { describeInBrowser, useScreenInBrowser, onPrompt as on, settledScreenshot, textOf } from '../helpers/browser';
import { httpsJson } from '../helpers/http';
import { auth } from '../helpers/terminal';

// A Japanese cardholder's screen in a real browser (Chromium via playwright-core): a SALE with
// locale "ja" and line items, the reader in manual mode. The screenshots show the glyphs when a CJK
// font is installed (fonts-noto-cjk); the text is checked either way.

const LINE_ITEMS = [
  { name: '抹茶ラテ', quantity: 2, unitAmount: 550 },
  { name: 'どら焼き', quantity: 1, unitAmount: 400 },
];

describeInBrowser('a Japanese cardholder screen with line items, in Chromium', () => {
  const s = useScreenInBrowser({ EPOSD_SIM_AUTH_DELAY_MS: '300', EPOSD_CURRENCY: 'JPY' }, 'till-ja');
  let uti: string;
  const text = (testId: string) => textOf(s.page, testId);
  const shot = (name: string) => settledScreenshot(s.page, name);

  it('shows the prompt, the type and the order lines in Japanese while it waits for the card', async () => {
    const res = await httpsJson<{ uti: string }>(`${s.eposd.apiUrl}/transaction?tid=${s.eposd.tid}`, {
      method: 'POST',
      headers: auth(s.token),
      body: { transType: 'SALE', amountTrans: 1500, locale: 'ja', lineItems: LINE_ITEMS, description: 'テーブル 7' },
    });
    expect(res.status).toBe(200);
    uti = res.body.uti;
    await s.page.waitForSelector(on('PRESENT_CARD'));
    expect(await s.page.locator('[data-testid="screen"]').getAttribute('lang')).toBe('ja');
    expect(await text('prompt')).toContain('カードをかざすか挿入してください');
    expect(await s.page.locator('#pay-type').innerText()).toBe('売上');
    const items = await text('line-items');
    expect(items).toContain('ご注文内容');
    expect(items).toContain('2 × 抹茶ラテ');
    expect(items).toContain('1 × どら焼き');
    await shot('ja-01-present-card-line-items');
  });

  it('shows the outcome in Japanese and the cardholder receipt, once the contactless card is tapped', async () => {
    await s.page.getByTestId('card-visa-contactless').click();
    await s.page.waitForSelector(on('APPROVED'));
    expect(await text('prompt')).toContain('承認されました');
    await s.page.getByTestId('receipt').waitFor({ state: 'visible' });
    const receipt = await text('receipt');
    expect(receipt).toContain('お客様控え');
    expect(receipt).toContain('抹茶ラテ');
    expect(receipt).toMatch(/AID: A0000000031010/);
    await shot('ja-02-approved-receipt');
  });

  it('and the POS reads the order data back with GET /transaction', async () => {
    const res = await httpsJson(`${s.eposd.apiUrl}/transaction?tid=${s.eposd.tid}&uti=${uti}`, { headers: auth(s.token) });
    expect(res.body).toMatchObject({ uti, status: 'APPROVED', locale: 'ja', lineItems: LINE_ITEMS, cardBrand: 'VISA', emv: { cryptogramType: 'ARQC' } });
  });

  it('ran without a script error on the page', () => {
    expect(s.pageErrors).toEqual([]);
  });
});
