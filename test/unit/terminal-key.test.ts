import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { openDatabase, type Db } from '../../src/db/open';
import { loadTerminalCertificate } from '../../src/pairing/terminal-key';
import { RegistersRepository } from '../../src/pairing/registers.repository';
import { cleanupEposd, makeTempDir } from '../helpers/process';

// The key is what every paired POS has pinned: it never changes without a deliberate act, and never silently.

const HOSTS = ['localhost', '127.0.0.1'];

describe('loadTerminalCertificate', () => {
  let db: Db;
  let certDir: string;
  const config = (env: NodeJS.ProcessEnv = {}) => loadConfig({ EPOSD_CERT_DIR: certDir, ...env });
  const pairOne = () =>
    new RegistersRepository(db).save({
      registerId: 'till-1',
      registerName: 'Till 1',
      role: 'pos',
      tokenSelector: 'sel',
      tokenHash: Buffer.alloc(32),
      pairedAt: new Date().toISOString(),
      expiresAt: null,
      callbackUrl: null,
      webhookSecret: null,
    });
  beforeEach(() => {
    db = openDatabase(':memory:');
    certDir = join(makeTempDir('eposd-key-'), 'certs');
  });
  afterEach(() => db.close());
  afterAll(cleanupEposd);

  it('When the key is deleted while a register is paired, then the start is refused, naming key.pem and the deliberate act, and no key is made', async () => {
    await loadTerminalCertificate(config(), db, HOSTS);
    pairOne();
    rmSync(join(certDir, 'key.pem'));
    await expect(loadTerminalCertificate(config(), db, HOSTS)).rejects.toThrow(
      new RegExp(`^${join(certDir, 'key.pem')}: is missing\\. 1 register\\(s\\) are paired with this terminal's fingerprint .*EPOSD_ACCEPT_NEW_IDENTITY=true`),
    );
    expect(existsSync(join(certDir, 'key.pem'))).toBe(false);
  });

  it('When the key is deleted while a register is paired and a new identity is accepted, then a new key is made and the change is noted', async () => {
    const first = await loadTerminalCertificate(config(), db, HOSTS);
    pairOne();
    rmSync(join(certDir, 'key.pem'));
    const again = await loadTerminalCertificate(config({ EPOSD_ACCEPT_NEW_IDENTITY: 'true' }), db, HOSTS);
    expect(again.fingerprint).not.toBe(first.fingerprint);
    expect(again.notes).toEqual([`The terminal's key is new: its fingerprint changed from ${first.fingerprint} to ${again.fingerprint}. Every POS that pinned the old one must pair again.`]);
  });

  it('When the key is deleted and nothing is paired, then a new key is made, and still not silently', async () => {
    const first = await loadTerminalCertificate(config(), db, HOSTS);
    rmSync(join(certDir, 'key.pem'));
    const again = await loadTerminalCertificate(config(), db, HOSTS);
    expect(again.notes.join()).toContain(`fingerprint changed from ${first.fingerprint}`);
  });

  it('When the terminal starts for the first time, or again with its key, then there is nothing to note', async () => {
    const first = await loadTerminalCertificate(config(), db, HOSTS);
    pairOne();
    const again = await loadTerminalCertificate(config(), db, HOSTS);
    expect([first.notes, again.notes, again.fingerprint]).toEqual([[], [], first.fingerprint]);
  });
});
