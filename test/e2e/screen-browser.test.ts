import { TEST_CARDS } from '../../src/reader/simulator/test-cards';
import { describeInBrowser, useScreenInBrowser, onPrompt as on, settledScreenshot, textOf } from '../helpers/browser';
import { httpsJson } from '../helpers/http';
import { auth, startSale } from '../helpers/terminal';

// The terminal's screen in a real browser: Chromium driven by playwright-core, the reader in
// manual mode. A POS sells over HTTPS; a person presents the chip card and types the PIN on the page.

describeInBrowser('the terminal screen in Chromium', () => {
  const s = useScreenInBrowser({ EPOSD_SIM_AUTH_DELAY_MS: '300' });
  let uti: string;

  const text = (testId: string) => textOf(s.page, testId);
  const shot = (name: string) => settledScreenshot(s.page, name);

  it('shows the pairing code at start-up, and a POS pairs with the code read off the page', async () => {
    await s.page.waitForSelector('[data-testid="screen"][data-screen="pairing"]');
    const code = (await text('pairing-code')).replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);
    // The fingerprint as the ready line and eposd-pos show it: the same 64 lowercase digits, only spaced out in blocks.
    expect((await s.page.locator('#pair-fp').innerText()).replace(/\s/g, '')).toBe(s.eposd.fingerprint);
    await shot('01-pairing');

    const res = await httpsJson<{ authToken: string; certificateFingerprint: string }>(`${s.eposd.apiUrl}/pair?pairingCode=${code}&registerId=till-1`);
    expect(res.status).toBe(200);
    expect(res.body.certificateFingerprint).toBe(s.eposd.fingerprint);
    s.token = res.body.authToken;
  });

  it('goes back to the idle screen with the TID once paired', async () => {
    await s.page.waitForSelector('[data-testid="screen"][data-screen="idle"]');
    expect(await text('screen')).toContain(s.eposd.tid);
    await shot('02-idle');
  });

  it('shows the amount (€75.00) and "Present card" when the POS posts a SALE of 7500', async () => {
    uti = await startSale(s.eposd, s.token, 7500);
    await s.page.waitForSelector(on('PRESENT_CARD'));
    expect(await text('amount')).toBe('€75.00');
    expect(await text('prompt')).toContain('Present card');
    await shot('03-present-card');
  });

  it('asks for the PIN once the chip-and-PIN Mastercard is presented', async () => {
    await s.page.getByTestId('card-mastercard-chip').click();
    await s.page.waitForSelector(on('ENTER_PIN'));
    expect(await text('prompt')).toContain('Enter PIN');
    await s.page.getByTestId('key-1').click();
    await s.page.getByTestId('key-2').click();
    await s.page.getByTestId('key-3').click();
    await s.page.getByTestId('key-4').click();
    await s.page.waitForSelector('#pin-field[data-digits="4"]');
    await shot('04-enter-pin');
  });

  it('shows "Approved" and the receipt once the PIN is confirmed with ENTER', async () => {
    await s.page.getByTestId('key-enter').click();
    await s.page.waitForSelector(on('APPROVED'));
    expect(await text('prompt')).toContain('Approved');
    await s.page.getByTestId('receipt').waitFor({ state: 'visible' });
    const receipt = await text('receipt');
    expect(receipt).toContain('54**********0434');
    expect(receipt).not.toContain(TEST_CARDS['mastercard-chip'].pan);
    expect(receipt).toContain('75.00');
    await shot('05-approved-receipt');
  });

  it('and the POS reads APPROVED with GET /transaction', async () => {
    const res = await httpsJson(`${s.eposd.apiUrl}/transaction?tid=${s.eposd.tid}&uti=${uti}`, { headers: auth(s.token) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ uti, status: 'APPROVED', transApproved: true, transAmount: 7500, transactionSource: 'ICC', cardholderVerificationMethod: 'PIN' });
  });

  it('ran without a script error or a refused resource on the page', () => {
    expect(s.pageErrors).toEqual([]);
  });
});
