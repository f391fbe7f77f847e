import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { stringMatching } from '../../helpers/matchers';
import { INSTANT_SIMULATOR_ENV, MANUAL_SIMULATOR_ENV, getStatus, payAndWait, startPayment, untilIdleAfter } from '../../helpers/payments';
import { bodyOf, type FinalStatus, type SearchPage } from '../../helpers/bodies';

const HEX = (n: number) => stringMatching(new RegExp(`^[0-9A-F]{${n}}$`));

describe('card brand and EMV data in the final answer', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true });
  const final = async (body: Record<string, unknown>) => {
    const { uti } = await payAndWait(t.app, t.ctx, t.token, body);
    return bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti).expect(200));
  };

  it('gives a contactless Visa sale VISA and its EMV data, with the ARQC it went online with', async () => {
    const body = await final({ transType: 'SALE', amountTrans: 1000 });
    expect(body).toMatchObject({ transApproved: true, cardBrand: 'VISA', transactionSource: 'PICC' });
    expect(body.emv).toEqual({ aid: 'A0000000031010', applicationLabel: 'VISA CREDIT', tvr: HEX(10), tsi: HEX(4), atc: HEX(4), arc: '00', cryptogramType: 'ARQC', cryptogram: HEX(16) });
  });

  it('gives an approved chip and PIN Mastercard sale a TC, with online PIN in the TVR', async () => {
    const body = await final({ transType: 'SALE', amountTrans: 6000 });
    expect(body).toMatchObject({ transApproved: true, cardBrand: 'MASTERCARD', transactionSource: 'ICC' });
    expect(body.emv).toMatchObject({ aid: 'A0000000041010', applicationLabel: 'MASTERCARD', tvr: '0000048000', tsi: 'E800', arc: '00', cryptogramType: 'TC' });
  });

  it('gives a declined chip sale an AAC and the host response code as ARC', async () => {
    const body = await final({ transType: 'SALE', amountTrans: 6051 });
    expect(body).toMatchObject({ transApproved: false, status: 'DECLINED', cardBrand: 'MASTERCARD' });
    expect(body.emv).toMatchObject({ arc: '51', cryptogramType: 'AAC', cryptogram: HEX(16) });
  });

  it('counts the card transaction counter up by one at each read of the same card', async () => {
    const a = await final({ transType: 'SALE', amountTrans: 1000 });
    const b = await final({ transType: 'SALE', amountTrans: 1100 });
    expect(parseInt(b.emv!.atc, 16)).toBe(parseInt(a.emv!.atc, 16) + 1);
    expect(b.emv!.cryptogram).not.toBe(a.emv!.cryptogram);
  });

  it('prints the AID, TVR/TSI and the cryptogram on both receipts', async () => {
    const body = await final({ transType: 'SALE', amountTrans: 6000 });
    for (const receipt of [body.merchantReceipt, body.cardholderReceipt]) {
      const texts = receipt.map((l) => l[0]);
      expect(texts).toEqual(expect.arrayContaining(['AID: A0000000041010', `TVR: ${body.emv!.tvr} TSI: ${body.emv!.tsi}`, `TC: ${body.emv!.cryptogram}`]));
    }
  });

  it('carries the brand, not the EMV data, onto a COMPLETION and a REVERSAL; shows both in search results', async () => {
    const pre = await final({ transType: 'PREAUTH', amountTrans: 2000 });
    const completion = await final({ transType: 'COMPLETION', uti: pre.uti, amountTrans: 1500 });
    expect(completion).toMatchObject({ cardBrand: 'VISA' });
    expect(completion).not.toHaveProperty('emv');
    const page = bodyOf<SearchPage>(await request(t.app).get(`${BASE_PATH}/transactions`).set('Authorization', t.token).expect(200));
    expect(page.transactions.find((x) => x.uti === pre.uti)).toMatchObject({ cardBrand: 'VISA', emv: pre.emv });
  });

  it('never returns more of the card number than the masked PAN', async () => {
    const body = await final({ transType: 'SALE', amountTrans: 6000 });
    expect(JSON.stringify(body)).not.toMatch(/5413330089010434|4761739001010010/);
  });
});

describe('card brand and EMV data per test card (manual mode)', () => {
  const t = useApi({ env: MANUAL_SIMULATOR_ENV, paired: true });

  it('gives a swiped Amex AMEX and no EMV data', async () => {
    const uti = await startPayment(t.app, t.token, { transType: 'SALE', amountTrans: 1000 });
    t.ctx.simulator!.presentCard('amex-swipe');
    await untilIdleAfter(t.ctx, uti);
    const body = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti).expect(200));
    expect(body).toMatchObject({ cardBrand: 'AMEX', transactionSource: 'MAG' });
    expect(body).not.toHaveProperty('emv');
  });
});
