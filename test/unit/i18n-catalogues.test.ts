import { de } from '../../src/i18n/de';
import { en } from '../../src/i18n/en';
import { es } from '../../src/i18n/es';
import { ja } from '../../src/i18n/ja';
import { LOCALES, translate } from '../../src/i18n';

describe('message catalogues', () => {
  it.each([
    ['es', es],
    ['ja', ja],
    ['de', de],
  ])('%s has exactly the English keys, each translated (not empty)', (_locale, catalogue) => {
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
    for (const value of Object.values(catalogue)) expect(value.trim()).not.toBe('');
  });

  it('translates every outcome into each locale differently from English, but for names (Chip, Original)', () => {
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      for (const key of ['outcome.APPROVED', 'outcome.DECLINED', 'prompt.PRESENT_CARD', 'receipt.CARDHOLDER_COPY'] as const) expect(translate(locale, key)).not.toBe(en[key]);
    }
  });

  it('falls back for a key no catalogue has (a status reason added later)', () => {
    expect(translate('ja', 'reason.NEW_REASON', 'New reason')).toBe('New reason');
  });
});
