import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotPairedError, TerminalStore, defaultStorePath, type PairedTerminal } from '../../src/client';
import { cleanupEposd, makeTempDir } from '../helpers/process';

const paired = (over: Partial<PairedTerminal>): PairedTerminal => ({
  host: '192.0.2.10',
  port: 8443,
  tid: '11111111',
  serialNumber: 'EPD1',
  registerId: 'till-1',
  authToken: 'selector.secret',
  fingerprint: 'a'.repeat(64),
  pairedAt: '2025-01-01T00:00:00.000Z',
  ...over,
});

describe('The POS terminals file', () => {
  let store: TerminalStore;
  beforeEach(() => {
    store = new TerminalStore(join(makeTempDir('eposd-store-'), 'nested', 'terminals.json'));
  });
  afterAll(cleanupEposd);

  it('is at EPOSD_POS_CONFIG, else under XDG_CONFIG_HOME, else under ~/.config', () => {
    expect(defaultStorePath({ EPOSD_POS_CONFIG: '/x/t.json', XDG_CONFIG_HOME: '/y' })).toBe('/x/t.json');
    expect(defaultStorePath({ XDG_CONFIG_HOME: '/y' })).toBe('/y/eposd-pos/terminals.json');
    expect(defaultStorePath({})).toMatch(/\/\.config\/eposd-pos\/terminals\.json$/);
  });

  it('when nothing is paired, then choosing a terminal says how to pair', () => {
    expect(() => store.find()).toThrow(NotPairedError);
    expect(() => store.find()).toThrow(/eposd-pos pair/);
  });

  it('when a pairing is saved, then the file is readable by its owner only, even if it was not before', () => {
    store.save(paired({}));
    writeFileSync(store.path, readFileSync(store.path), { mode: 0o644 });
    store.save(paired({ registerId: 'till-2' }));
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
  });

  it('when a terminal is paired again at the same address or with the same TID, then the new pairing replaces the old one', () => {
    store.save(paired({}));
    store.save(paired({ host: '192.0.2.11', authToken: 'moved.token' }));
    expect(store.list()).toEqual([paired({ host: '192.0.2.11', authToken: 'moved.token' })]);
    store.save(paired({ host: '192.0.2.11', tid: '22222222', authToken: 'new.terminal' }));
    expect(store.list().map((t) => t.tid)).toEqual(['22222222']);
  });

  it('chooses by host:port or TID, and otherwise the last one paired', () => {
    store.save(paired({}));
    store.save(paired({ host: '192.0.2.20', tid: '33333333' }));
    expect(store.find().tid).toBe('33333333');
    expect(store.find('192.0.2.10:8443').tid).toBe('11111111');
    expect(store.find('11111111').host).toBe('192.0.2.10');
    expect(() => store.find('192.0.2.99:8443')).toThrow(/No paired terminal is 192\.0\.2\.99:8443/);
  });

  it('when the file is not a terminals file, then it says so rather than overwriting it', () => {
    store.save(paired({}));
    writeFileSync(store.path, 'not json');
    expect(() => store.list()).toThrow(/is not a terminals file/);
  });
});
