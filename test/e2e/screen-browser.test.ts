import type { Browser, Page } from 'playwright-core';
import { TEST_CARDS } from '../../src/reader/simulator/test-cards';
import { describeInBrowser, onPrompt as on, openScreenPage, settledScreenshot, textOf } from '../helpers/browser';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, startEposd, type EposdProcess } from '../helpers/process';
import { auth, startSale } from '../helpers/terminal';

// The terminal's screen in a real browser: Chromium driven by playwright-core, the reader in
// manual mode. A POS sells over HTTPS; a person presents the chip card and types the PIN on the page.

describeInBrowser('the terminal screen in Chromium', () => {
  let eposd: EposdProcess;
  let browser: Browser;
  let page: Page;
  let token: string;
  let uti: string;
  let pageErrors: string[] = [];

  const text = (testId: string) => textOf(page, testId);
  const shot = (name: string) => settledScreenshot(page, name);

  beforeAll(async () => {
    eposd = await startEposd({ env: { EPOSD_SIM_MODE: 'manual', EPOSD_SIM_AUTH_DELAY_MS: '300' } });
    ({ browser, page, pageErrors } = await openScreenPage(eposd.screenUrl));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await cleanupEposd();
  });

  it('shows the pairing code at start-up, and a POS pairs with the code read off the page', async () => {
    await page.waitForSelector('[data-testid="screen"][data-screen="pairing"]');
    const code = (await text('pairing-code')).replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);
    // The fingerprint as the ready line and eposd-pos show it: the same 64 lowercase digits, only spaced out in blocks.
    expect((await page.locator('#pair-fp').innerText()).replace(/\s/g, '')).toBe(eposd.fingerprint);
    await shot('01-pairing');

    const res = await httpsJson<{ authToken: string; certificateFingerprint: string }>(`${eposd.apiUrl}/pair?pairingCode=${code}&registerId=till-1`);
    expect(res.status).toBe(200);
    expect(res.body.certificateFingerprint).toBe(eposd.fingerprint);
    token = res.body.authToken;
  });

  it('goes back to the idle screen with the TID once paired', async () => {
    await page.waitForSelector('[data-testid="screen"][data-screen="idle"]');
    expect(await text('screen')).toContain(eposd.tid);
    await shot('02-idle');
  });

  it('shows the amount (€75.00) and "Present card" when the POS posts a SALE of 7500', async () => {
    uti = await startSale(eposd, token, 7500);
    await page.waitForSelector(on('PRESENT_CARD'));
    expect(await text('amount')).toBe('€75.00');
    expect(await text('prompt')).toContain('Present card');
    await shot('03-present-card');
  });

  it('asks for the PIN once the chip-and-PIN Mastercard is presented', async () => {
    await page.getByTestId('card-mastercard-chip').click();
    await page.waitForSelector(on('ENTER_PIN'));
    expect(await text('prompt')).toContain('Enter PIN');
    await page.getByTestId('key-1').click();
    await page.getByTestId('key-2').click();
    await page.getByTestId('key-3').click();
    await page.getByTestId('key-4').click();
    await page.waitForSelector('#pin-field[data-digits="4"]');
    await shot('04-enter-pin');
  });

  it('shows "Approved" and the receipt once the PIN is confirmed with ENTER', async () => {
    await page.getByTestId('key-enter').click();
    await page.waitForSelector(on('APPROVED'));
    expect(await text('prompt')).toContain('Approved');
    await page.getByTestId('receipt').waitFor({ state: 'visible' });
    const receipt = await text('receipt');
    expect(receipt).toContain('54**********0434');
    expect(receipt).not.toContain(TEST_CARDS['mastercard-chip'].pan);
    expect(receipt).toContain('75.00');
    await shot('05-approved-receipt');
  });

  it('and the POS reads APPROVED with GET /transaction', async () => {
    const res = await httpsJson(`${eposd.apiUrl}/transaction?tid=${eposd.tid}&uti=${uti}`, { headers: auth(token) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ uti, status: 'APPROVED', transApproved: true, transAmount: 7500, transactionSource: 'ICC', cardholderVerificationMethod: 'PIN' });
  });

  it('ran without a script error or a refused resource on the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
