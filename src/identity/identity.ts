import type { Config } from '../config/config';
import type { IdGenerator } from '../shared/ids';
import { StartupError } from '../shared/startup-error';
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

export interface IdentityChecks {
  /** How many transactions the open batch holds: a TID changes only between batches. */
  openBatch: () => number;
  /** What the start changed that the technician must hear of (logged, on the screen, in diagnostics). */
  notes: string[];
}

const HOW = 'docs/configuration.md, "Changing the TID"';

/**
 * What is configured wins for the MID and the serial; what is not is generated on the first start and
 * kept in the database. The TID is kept from its first start, configured or generated.
 */
export function loadIdentity(config: Config, settings: SettingsRepository, ids: IdGenerator, checks?: IdentityChecks): TerminalIdentity {
  return Object.freeze({
    tid: keptTid(config, settings, ids, checks),
    mid: config.mid ?? settings.getOrCreate('mid', ids.mid),
    serialNumber: config.serial ?? settings.getOrCreate('serial', ids.serial),
    merchantName: config.merchantName,
    currency: config.currency,
    locale: config.locale,
  });
}

/**
 * @NOTE The TID names the terminal to the acquirer, on every receipt and to every POS that paired with
 * it: it never changes by a setting alone. EPOSD_TID different from the TID kept is refused; the
 * deliberate change names the TID it replaces (EPOSD_TID_REPLACES) and waits for an empty open batch,
 * so that no batch is settled under two TIDs.
 */
function keptTid(config: Config, settings: SettingsRepository, ids: IdGenerator, checks?: IdentityChecks): string {
  const file = settings.file;
  const kept = settings.get('tid');
  if (config.tidReplaces !== undefined && config.tid === undefined) {
    throw new StartupError(file, 'EPOSD_TID_REPLACES needs EPOSD_TID, the new TID', `Set both to change the TID (${HOW}), or neither`);
  }
  if (kept === undefined) return settings.getOrCreate('tid', () => config.tid ?? ids.tid());
  if (config.tid === undefined || config.tid === kept) return kept;
  if (config.tidReplaces === undefined) {
    throw new StartupError(
      file,
      `EPOSD_TID is ${config.tid}, but this terminal's TID is ${kept} (kept in its database since its first start)`,
      `To change the TID deliberately, settle the open batch, then start it once with EPOSD_TID=${config.tid} EPOSD_TID_REPLACES=${kept} (${HOW}). To keep it, remove EPOSD_TID or set it to ${kept}`,
    );
  }
  if (config.tidReplaces !== kept) {
    throw new StartupError(file, `EPOSD_TID_REPLACES is ${config.tidReplaces}, but this terminal's TID is ${kept}`, `Name the TID the terminal has now in EPOSD_TID_REPLACES (${HOW})`);
  }
  const open = checks?.openBatch() ?? 0;
  if (open > 0) {
    throw new StartupError(
      file,
      `the TID cannot change from ${kept} to ${config.tid} with ${open} transaction(s) in the open batch`,
      `Settle it first under ${kept} (start without EPOSD_TID_REPLACES, then POST /settlement or the screen's Settle), then start again with it`,
    );
  }
  settings.set('tid', config.tid);
  checks?.notes.push(`The TID of this terminal changed from ${kept} to ${config.tid} (EPOSD_TID_REPLACES). Remove EPOSD_TID_REPLACES before the next start.`);
  return config.tid;
}
