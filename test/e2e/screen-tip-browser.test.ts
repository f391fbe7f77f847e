import { join } from 'node:path';
import { describeInBrowser, useScreenInBrowser, onPrompt as on, SCREENS, textOf } from '../helpers/browser';
import { httpsJson } from '../helpers/http';
import { auth, finalStatus } from '../helpers/terminal';

// Tipping on the terminal in a real browser (Chromium via playwright-core), the reader in
// manual mode: the POS asks for tipOnTerminal, a person picks a tip on the page, then presents a card.

describeInBrowser('tipping on the terminal screen in Chromium', () => {
  const s = useScreenInBrowser({ EPOSD_SIM_AUTH_DELAY_MS: '100' }, 'till-1');
  const text = (testId: string) => textOf(s.page, testId);
  const startSale = async (body: Record<string, unknown>) => {
    const res = await httpsJson<{ uti: string }>(`${s.eposd.apiUrl}/transaction?tid=${s.eposd.tid}&disablePrinting=true`, { method: 'POST', headers: auth(s.token), body });
    expect(res.status).toBe(200);
    return res.body.uti;
  };

  it('asks for a tip before the card, with the choices, no tip and an amount of their own; a choice adds it to the amount', async () => {
    const uti = await startSale({ transType: 'SALE', amountTrans: 4000, tipOnTerminal: true, tipPercentages: [10, 15, 20] });
    await s.page.waitForSelector(on('CHOOSE_TIP'));
    expect(await text('prompt')).toContain('Add a tip?');
    expect(await text('tip-choices')).toContain('15%');
    expect(await text('tip-15')).toContain('€6.00');
    await s.page.getByTestId('tip-none').waitFor({ state: 'visible' });
    await s.page.screenshot({ path: join(SCREENS, '10-choose-tip.png'), fullPage: true });
    // The device alone, as docs/images/tip-on-terminal.png shows it.
    await s.page.locator('.device').screenshot({ path: join(SCREENS, '10-choose-tip-device.png') });

    await s.page.getByTestId('tip-15').click();
    await s.page.waitForSelector(on('PRESENT_CARD'));
    expect(await text('amount')).toBe('€46.00');
    await s.page.getByTestId('card-visa-contactless').click();
    await s.page.waitForSelector(on('APPROVED'));
    await s.page.screenshot({ path: join(SCREENS, '11-tip-approved.png'), fullPage: true });
    expect(await finalStatus(s.eposd, s.token, uti)).toMatchObject({ status: 'APPROVED', tipAmount: 600, totalAmount: 4600 });
  });

  it('takes an amount of their own typed on the screen', async () => {
    const uti = await startSale({ transType: 'SALE', amountTrans: 2000, tipOnTerminal: true });
    await s.page.waitForSelector(on('CHOOSE_TIP'));
    await s.page.getByTestId('tip-custom-amount').fill('2.50');
    await s.page.getByTestId('tip-custom-ok').click();
    await s.page.waitForSelector(on('PRESENT_CARD'));
    await s.page.getByTestId('card-visa-contactless').click();
    await s.page.waitForSelector(on('APPROVED'));
    expect(await finalStatus(s.eposd, s.token, uti)).toMatchObject({ tipAmount: 250, totalAmount: 2250 });
  });

  it('ran without a script error on the page', () => {
    expect(s.pageErrors).toEqual([]);
  });
});
