import { useApi } from '../../helpers/api';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, getStatus, payAndWait, startPayment } from '../../helpers/payments';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

const texts = (b: FinalStatus, copy: 'cardholderReceipt' | 'merchantReceipt') => b[copy].map((l) => l[0]);

describe('locale: the cardholder screen and receipt in the cardholder language', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });
  const final = async (body: Record<string, unknown>) => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, body);
    return bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti).expect(200));
  };

  it.each([
    ['ja', 'お客様控え', '金額: EUR 10.00'],
    ['es', 'COPIA PARA EL CLIENTE', 'IMPORTE: EUR 10.00'],
    ['de', 'KUNDENBELEG', 'BETRAG: EUR 10.00'],
    ['en', 'CARDHOLDER COPY', 'AMOUNT: EUR 10.00'],
  ])('prints the cardholder copy in %s and keeps the merchant copy in English (EPOSD_LOCALE)', async (locale, title, amount) => {
    const body = await final({ transType: 'SALE', amountTrans: 1000, locale });
    expect(body.locale).toBe(locale);
    expect(texts(body, 'cardholderReceipt')).toEqual(expect.arrayContaining([title, amount]));
    expect(texts(body, 'merchantReceipt')).toEqual(expect.arrayContaining(['MERCHANT COPY', 'AMOUNT: EUR 10.00', 'THANK YOU']));
  });
});

describe('EPOSD_LOCALE: the merchant copy, and the cardholder default', () => {
  const t = useApi({ env: { ...INSTANT_SIMULATOR_ENV, EPOSD_LOCALE: 'de' }, paired: true });

  it('prints the merchant copy in German, and the cardholder copy too when the payment names no locale', async () => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000 });
    const body = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti).expect(200));
    expect(body).not.toHaveProperty('locale');
    expect(texts(body, 'merchantReceipt')).toEqual(expect.arrayContaining(['HÄNDLERBELEG', 'BETRAG: EUR 10.00', 'VIELEN DANK']));
    expect(texts(body, 'cardholderReceipt')).toEqual(expect.arrayContaining(['KUNDENBELEG']));
  });
});

describe('locale on the screen', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });

  it('shows the prompt, labels and line items in Japanese while the terminal waits for the card', async () => {
    const lineItems = [{ name: '抹茶ラテ', quantity: 2, unitAmount: 500 }];
    const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: 1000, locale: 'ja', lineItems });
    await new Promise((r) => setImmediate(r));
    expect(t.ctx.screen.state().payment).toMatchObject({
      uti,
      locale: 'ja',
      prompt: 'PRESENT_CARD',
      message: 'カードをかざすか挿入してください',
      labels: { type: '売上', title: 'カードをかざすか挿入してください', foot: 'タッチ・挿入・スワイプ', items: 'ご注文内容' },
      lineItems: [{ name: '抹茶ラテ', quantity: 2, total: 1000 }],
    });
    t.ctx.simulator!.presentCard('visa-declined');
  });
});
