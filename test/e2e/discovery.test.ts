import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/config';
import { startAnnouncer } from '../../src/discovery/announcer';
import { discoverTerminals } from '../../src/discovery/browser';
import { MDNS_GROUP, type MdnsNetwork } from '../../src/discovery/mdns-network';
import { start } from '../../src/main';
import { silentLogger } from '../../src/shared/logger';
import { cleanupEposd, makeTempDir } from '../helpers/process';

// Every test here stays on loopback: the announcer and the browser are bound to 127.0.0.1 and to a
// port of their own, so no packet goes to any other address and no real responder is met.
const loopback = (): MdnsNetwork => ({ interface: '127.0.0.1', port: 20_000 + Math.floor(Math.random() * 20_000) });
const terminal = { tid: '12345678', serialNumber: 'EPD-TEST-1', fingerprint: 'ab'.repeat(32), apiPort: 8443, basePath: '/payntpos/1.0.0', version: '1.2.3' };

// /proc/net/igmp lists each interface's multicast groups with how many sockets joined each.
const GROUP_HEX = MDNS_GROUP.split('.')
  .map((b) => Number(b).toString(16).padStart(2, '0'))
  .reverse()
  .join('')
  .toUpperCase();
function mdnsMembers(): Map<string, number> {
  const members = new Map<string, number>();
  let device = '';
  for (const line of readFileSync('/proc/net/igmp', 'utf8').split('\n').slice(1)) {
    const iface = /^\d+\s+(\S+)\s*:/.exec(line);
    if (iface) device = iface[1]!;
    const group = /^\s+([0-9A-F]{8})\s+(\d+)/.exec(line);
    if (group && group[1] === GROUP_HEX) members.set(device, (members.get(device) ?? 0) + Number(group[2]));
  }
  return members;
}
const onLinux = existsSync('/proc/net/igmp') ? it : it.skip;

describe('Discovery over mDNS on loopback', () => {
  afterAll(cleanupEposd);

  it('when a terminal is announced, then a browser hears it with its TID, serial, fingerprint, base path and version', async () => {
    const network = loopback();
    const announcer = startAnnouncer(terminal, { network, logger: silentLogger });
    try {
      const found = await discoverTerminals({ network, timeoutMs: 1_500 });
      expect(found).toEqual([
        expect.objectContaining({
          name: 'eposd-EPD-TEST-1',
          host: '127.0.0.1',
          port: 8443,
          tid: '12345678',
          serialNumber: 'EPD-TEST-1',
          fingerprint: 'ab'.repeat(32),
          basePath: '/payntpos/1.0.0',
          version: '1.2.3',
        }),
      ]);
    } finally {
      await announcer.stop();
    }
  });

  onLinux('when the announcer and the browser run, then they join the mDNS group on loopback and on no other interface', async () => {
    const network = loopback();
    const before = mdnsMembers();
    const announcer = startAnnouncer(terminal, { network, logger: silentLogger });
    const browsing = discoverTerminals({ network, timeoutMs: 1_000 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const during = mdnsMembers();
      expect((during.get('lo') ?? 0) - (before.get('lo') ?? 0)).toBeGreaterThanOrEqual(2);
      for (const [device, count] of during) if (device !== 'lo') expect([device, count]).toEqual([device, before.get(device) ?? 0]);
    } finally {
      await browsing;
      await announcer.stop();
    }
  });

  it('when eposd starts with EPOSD_MDNS=true, then it announces its own identity and API port, and stops announcing when it stops', async () => {
    const network = loopback();
    const config = loadConfig({
      EPOSD_PORT: '0',
      EPOSD_SCREEN_PORT: '0',
      EPOSD_HOST: '127.0.0.1',
      EPOSD_DATA_DIR: makeTempDir('eposd-data-'),
      EPOSD_CERT_DIR: makeTempDir('eposd-certs-'),
      EPOSD_MDNS: 'true',
      EPOSD_LOG_LEVEL: 'silent',
    });
    const written = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { ctx, stop } = await start(config, { mdnsNetwork: network });
    try {
      const ready = written.mock.calls.map(([chunk]) => String(chunk)).find((l) => l.startsWith('eposd ready'))!;
      const apiPort = Number(/api=https:\/\/[^:]+:(\d+)/.exec(ready)![1]);
      const found = await discoverTerminals({ network, timeoutMs: 1_500 });
      expect(found).toEqual([expect.objectContaining({ port: apiPort, tid: ctx.identity.tid, serialNumber: ctx.identity.serialNumber, fingerprint: ctx.fingerprint, basePath: '/payntpos/1.0.0' })]);
    } finally {
      await stop();
      written.mockRestore();
    }
    expect(await discoverTerminals({ network, timeoutMs: 1_000 })).toEqual([]);
  });
});
