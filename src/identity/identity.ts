import type { Config } from '../config/config';
import type { IdGenerator } from '../shared/ids';
import type { SettingsRepository } from './settings.repository';
import type { Locale } from '../i18n';

export interface TerminalIdentity {
  readonly tid: string;
  readonly mid: string;
  readonly serialNumber: string;
  readonly merchantName: string;
  readonly currency: string;
  /** The merchant copy's language (EPOSD_LOCALE); English when not said. */
  readonly locale?: Locale;
}

/** What is configured wins; what is not is generated on the first start and kept in the database. */
export function loadIdentity(config: Config, settings: SettingsRepository, ids: IdGenerator): TerminalIdentity {
  return Object.freeze({
    tid: config.tid ?? settings.getOrCreate('tid', ids.tid),
    mid: config.mid ?? settings.getOrCreate('mid', ids.mid),
    serialNumber: config.serial ?? settings.getOrCreate('serial', ids.serial),
    merchantName: config.merchantName,
    currency: config.currency,
    locale: config.locale,
  });
}
