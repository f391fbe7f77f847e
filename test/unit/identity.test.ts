import { loadConfig } from '../../src/config/config';
import { openDatabase, type Db } from '../../src/db/open';
import { loadIdentity } from '../../src/identity/identity';
import { SettingsRepository } from '../../src/identity/settings.repository';
import { ids } from '../../src/shared/ids';

describe('loadIdentity', () => {
  it('When nothing is configured, then TID (8 digits), MID and serial are generated once and kept', () => {
    const db = openDatabase(':memory:');
    const settings = new SettingsRepository(db);
    const first = loadIdentity(loadConfig({}), settings, ids);
    expect(first.tid).toMatch(/^\d{8}$/);
    expect(first.mid).toMatch(/^\d{15}$/);
    expect(first.serialNumber).toMatch(/^EPD\d{9}$/);
    expect(loadIdentity(loadConfig({}), settings, ids)).toEqual(first);
    db.close();
  });

  it('When MID and serial are configured, then the configured values win over the stored ones', () => {
    const db = openDatabase(':memory:');
    const settings = new SettingsRepository(db);
    const first = loadIdentity(loadConfig({}), settings, ids);
    const configured = loadIdentity(loadConfig({ EPOSD_MID: 'M1', EPOSD_SERIAL: 'S-1', EPOSD_CURRENCY: 'GBP' }), settings, ids);
    expect(configured).toEqual({ tid: first.tid, mid: 'M1', serialNumber: 'S-1', merchantName: 'EPOSD TEST MERCHANT', currency: 'GBP', locale: 'en' });
    expect(Object.isFrozen(configured)).toBe(true);
    db.close();
  });
});

// Issue 26 item 9: EPOSD_TID silently overrode the TID kept in the database.
describe('loadIdentity: the TID', () => {
  const KEPT = '11111111';
  const NEW = '22222222';
  let db: Db;
  let settings: SettingsRepository;
  let openBatch: number;
  const load = (env: NodeJS.ProcessEnv, notes: string[] = []) => loadIdentity(loadConfig(env), settings, ids, { openBatch: () => openBatch, notes });
  beforeEach(() => {
    db = openDatabase(':memory:');
    settings = new SettingsRepository(db);
    openBatch = 0;
  });
  afterEach(() => db.close());

  it('When EPOSD_TID is set on the first start, then it is kept: a later start without it has the same TID', () => {
    expect(load({ EPOSD_TID: KEPT }).tid).toBe(KEPT);
    expect(load({}).tid).toBe(KEPT);
  });

  it('When EPOSD_TID differs from the TID kept, then the start is refused with the way to change it deliberately, and nothing is written', () => {
    load({ EPOSD_TID: KEPT });
    expect(() => load({ EPOSD_TID: NEW })).toThrow(
      new RegExp(
        `EPOSD_TID is ${NEW}, but this terminal's TID is ${KEPT}.*settle the open batch, then start it once with EPOSD_TID=${NEW} EPOSD_TID_REPLACES=${KEPT}.*remove EPOSD_TID or set it to ${KEPT}`,
      ),
    );
    expect(settings.get('tid')).toBe(KEPT);
  });

  it('When EPOSD_TID_REPLACES names the TID kept and the open batch is empty, then the TID changes, is kept, and the change is noted', () => {
    load({ EPOSD_TID: KEPT });
    const notes: string[] = [];
    expect(load({ EPOSD_TID: NEW, EPOSD_TID_REPLACES: KEPT }, notes).tid).toBe(NEW);
    expect(notes).toEqual([`The TID of this terminal changed from ${KEPT} to ${NEW} (EPOSD_TID_REPLACES). Remove EPOSD_TID_REPLACES before the next start.`]);
    expect(load({}).tid).toBe(NEW);
    // The same settings again, once the change is done: nothing more to change, nothing noted.
    const again: string[] = [];
    expect(load({ EPOSD_TID: NEW, EPOSD_TID_REPLACES: KEPT }, again).tid).toBe(NEW);
    expect(again).toEqual([]);
  });

  it('When EPOSD_TID_REPLACES names another TID than the one kept, then the start is refused and nothing changes', () => {
    load({ EPOSD_TID: KEPT });
    expect(() => load({ EPOSD_TID: NEW, EPOSD_TID_REPLACES: '33333333' })).toThrow(new RegExp(`EPOSD_TID_REPLACES is 33333333, but this terminal's TID is ${KEPT}`));
    expect(settings.get('tid')).toBe(KEPT);
  });

  it('When the open batch holds transactions, then the TID change is refused until it is settled', () => {
    load({ EPOSD_TID: KEPT });
    openBatch = 3;
    expect(() => load({ EPOSD_TID: NEW, EPOSD_TID_REPLACES: KEPT })).toThrow(/3 transaction\(s\) in the open batch.*Settle it/);
    expect(settings.get('tid')).toBe(KEPT);
  });

  it('When EPOSD_TID_REPLACES is set without EPOSD_TID, then the start is refused', () => {
    load({ EPOSD_TID: KEPT });
    expect(() => load({ EPOSD_TID_REPLACES: KEPT })).toThrow(/EPOSD_TID_REPLACES needs EPOSD_TID/);
  });
});
