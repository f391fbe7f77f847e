import { join, resolve } from 'node:path';
import type { Config } from '../config/config';
import type { Db } from '../db/open';
import { RegistersRepository } from './registers.repository';
import { loadOrCreateCertificate, type Certificate, type CertificateOptions, type KeyProblem } from '../tls/certificate';
import { SettingsRepository } from '../identity/settings.repository';

/** The settings row that remembers the fingerprint POS have pinned, to notice when it changes. */
const FINGERPRINT_KEY = 'fingerprint';

/**
 * The terminal's key and certificate, with its identity guarded: the key is what every paired POS has
 * pinned, so a key file that is empty or damaged, or missing while registers are paired, stops the
 * start unless the technician says otherwise (EPOSD_ACCEPT_NEW_IDENTITY=true). A new fingerprint is
 * never silent: it comes back in `notes`, for the log, the screen and diagnostics.
 */
export async function loadTerminalCertificate(config: Config, db: Db, hosts: string[], { now, inProcess }: Pick<CertificateOptions, 'now' | 'inProcess'> = {}): Promise<Certificate> {
  const settings = new SettingsRepository(db);
  const known = settings.get(FINGERPRINT_KEY);
  const paired = new RegistersRepository(db).list().filter((r) => r.revokedAt === null).length;
  const mayReplaceKey = (problem: KeyProblem) => config.acceptNewIdentity || (problem === 'missing' && paired === 0);
  const refusal = (problem: KeyProblem) =>
    `${problem === 'missing' ? `${paired} register(s) are paired with this terminal's fingerprint${known ? ` ${known.slice(0, 16)}…` : ''}: a new key would make every one of them fail. ` : ''}` +
    `Restore key.pem (and cert.pem) from a backup of this terminal's ${join(resolve(config.certDir))}. To give the terminal a new key and fingerprint instead (every POS must pair again), start it once with EPOSD_ACCEPT_NEW_IDENTITY=true`;
  const certificate = await loadOrCreateCertificate(resolve(config.certDir), hosts, { now, inProcess, mayReplaceKey, refusal });
  if (known === certificate.fingerprint) return certificate;
  // A damaged database is opened read-only and keeps what it holds; the change is still noted.
  if (!db.readonly) settings.set(FINGERPRINT_KEY, certificate.fingerprint);
  if (known === undefined) return certificate;
  const changed = `The terminal's key is new: its fingerprint changed from ${known} to ${certificate.fingerprint}. Every POS that pinned the old one must pair again.`;
  return Object.freeze({ ...certificate, notes: [...certificate.notes, changed] });
}
