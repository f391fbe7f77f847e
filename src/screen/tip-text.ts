import { messagesFor, type Locale } from '../i18n';

/** The cardholder-facing words of the tip step, in the cardholder's language: the screen shows them as given. */
export function tipText(locale: Locale) {
  const t = messagesFor(locale);
  return { title: t('tip.title'), message: t('tip.message'), noTip: t('tip.noTip'), custom: t('tip.custom'), confirm: t('tip.confirm'), foot: t('tip.foot') };
}

export type TipText = ReturnType<typeof tipText>;
