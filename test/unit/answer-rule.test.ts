import { judgeAnswer, type Said } from '../../src/transactions/answer-rule';

// The one rule for what an acquirer's answer makes of a payment (issue 25): every path calls it.

const asked = { uti: 'u-1', total: 2000, allowPartial: false };
const said = (over: Partial<Said> = {}): Said => ({ uti: 'u-1', outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', authCode: 'A1', amountAuthorised: 2000, ...over });

describe('judgeAnswer', () => {
  it('When the answer names another UTI, then it is no answer: refused OTHER_UTI, nothing to record', () => {
    expect(judgeAnswer(asked, said({ uti: 'u-2' }))).toEqual({ refusal: 'OTHER_UTI' });
  });

  it('When 00 or 10 approve the whole total (or say no amount), then it is approved, with the code as given and no partial amount', () => {
    for (const responseCode of ['00', '10']) {
      expect(judgeAnswer(asked, said({ responseCode }))).toEqual({ outcome: { status: 'APPROVED', statusReason: 'APPROVED', responseCode, authCode: 'A1' } });
    }
    expect(judgeAnswer(asked, said({ amountAuthorised: undefined }))).toMatchObject({ outcome: { status: 'APPROVED' } });
  });

  it('When less is approved, then it is a partial approval if allowed, else declined 51 and reversed', () => {
    expect(judgeAnswer({ ...asked, allowPartial: true }, said({ responseCode: '10', amountAuthorised: 1 }))).toEqual({
      outcome: { status: 'APPROVED', statusReason: 'APPROVED', responseCode: '10', authCode: 'A1', amountAuthorised: 1 },
    });
    expect(judgeAnswer(asked, said({ responseCode: '00', amountAuthorised: 1999 }))).toEqual({
      outcome: { status: 'DECLINED', statusReason: 'INSUFFICIENT_FUNDS', responseCode: '51', authCode: null, reversal: 'PENDING' },
      refusal: 'PARTIAL_NOT_ALLOWED',
    });
  });

  it('When more than the total, or nothing, is approved, then it is never an approval, even with partials allowed: declined with its own reason, reversed', () => {
    for (const allowPartial of [false, true]) {
      expect(judgeAnswer({ ...asked, allowPartial }, said({ amountAuthorised: 2001 }))).toEqual({
        outcome: { status: 'DECLINED', statusReason: 'OVER_APPROVAL', responseCode: null, authCode: null, reversal: 'PENDING' },
        refusal: 'OVER_APPROVAL',
      });
      expect(judgeAnswer({ ...asked, allowPartial }, said({ amountAuthorised: 0 }))).toMatchObject({
        outcome: { status: 'DECLINED', statusReason: 'ZERO_APPROVAL', reversal: 'PENDING' },
        refusal: 'ZERO_APPROVAL',
      });
    }
  });

  it('When the answer is a decline, then it keeps its code, named as eposd names it, else the relay’s reason; the auth code is never kept', () => {
    expect(judgeAnswer(asked, said({ outcome: 'DECLINED', responseCode: '05', reason: 'DECLINED' }))).toEqual({
      outcome: { status: 'DECLINED', statusReason: 'DO_NOT_HONOUR', responseCode: '05', authCode: null },
    });
    expect(judgeAnswer(asked, said({ outcome: 'DECLINED', responseCode: '62', reason: 'RESTRICTED_CARD' }))).toMatchObject({ outcome: { statusReason: 'RESTRICTED_CARD', responseCode: '62' } });
  });

  it('When it never reached the acquirer (cancelled, timed out, failed), then that outcome with the relay’s reason, nothing to reverse', () => {
    expect(judgeAnswer(asked, said({ outcome: 'CANCELLED', reason: 'CUSTOMER_CANCELLED', responseCode: null }))).toEqual({
      outcome: { status: 'CANCELLED', statusReason: 'CUSTOMER_CANCELLED', responseCode: null },
    });
  });
});
