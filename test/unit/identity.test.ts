import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/open';
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

  it('When identity is configured, then the configured values win over the stored ones', () => {
    const db = openDatabase(':memory:');
    const settings = new SettingsRepository(db);
    loadIdentity(loadConfig({}), settings, ids);
    const configured = loadIdentity(loadConfig({ EPOSD_TID: '87654321', EPOSD_MID: 'M1', EPOSD_SERIAL: 'S-1', EPOSD_CURRENCY: 'GBP' }), settings, ids);
    expect(configured).toEqual({ tid: '87654321', mid: 'M1', serialNumber: 'S-1', merchantName: 'EPOSD TEST MERCHANT', currency: 'GBP', locale: 'en' });
    expect(Object.isFrozen(configured)).toBe(true);
    db.close();
  });
});
