import { execFileSync } from 'node:child_process';
import { describeIf } from '../helpers/needs';
import { onPath } from '../helpers/programs';
import { cleanupEposd } from '../helpers/process';
import { helloWithCompression } from './helpers/client-hello';
import { startDevice, type Device } from './helpers/device';
import { figures } from './helpers/figures';

// Issue 7 §8. An outside scan of the API's TLS with sslscan (Debian's package): TLS 1.2 and 1.3 only,
// AEAD suites only, no compression, no insecure renegotiation. No test installs anything: without
// sslscan on PATH this file is skipped and named at the end of the run (.ci/run installs it first).

const AEAD = /(GCM|CHACHA20[-_]POLY1305|CCM)/;
const SSLSCAN = onPath('sslscan');

/** The lines of one "  Section:" block of sslscan's output. */
function section(output: string, title: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${title}:`);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^ {2}\S.*:$/.test(line) || line.trim() === '') break;
    out.push(line.trim());
  }
  return out;
}

describeIf(SSLSCAN !== undefined, 'sslscan')('TLS scan', () => {
  let device: Device;
  let scan: string;
  beforeAll(async () => {
    device = await startDevice({});
    const { hostname, port } = new URL(device.eposd.apiUrl);
    scan = execFileSync(SSLSCAN!, ['--no-colour', `${hostname}:${port}`], { encoding: 'utf8', timeout: 120_000 });
  });
  afterAll(cleanupEposd);

  it('When sslscan scans the API, then it finds only TLS 1.2 and 1.3, only AEAD suites, no compression and no insecure renegotiation', async () => {
    const protocols = Object.fromEntries(section(scan, 'SSL/TLS Protocols').map((l) => l.split(/\s+/) as [string, string]));
    const suites = [...scan.matchAll(/^(?:Preferred|Accepted)\s+(TLSv1\.[0-3]|SSLv[23])\s+(\d+) bits\s+(\S+)/gm)].map((m) => ({ protocol: m[1]!, bits: Number(m[2]), name: m[3]! }));
    const renegotiation = section(scan, 'TLS renegotiation').join(' ');
    const compression = section(scan, 'TLS Compression').join(' ');
    const heartbleed = section(scan, 'Heartbleed');
    const groups = section(scan, 'Server Key Exchange Group(s)');
    // sslscan from Debian cannot offer compression; a ClientHello of our own offers DEFLATE.
    const { hostname, port } = new URL(device.eposd.apiUrl);
    const hello = await helloWithCompression(hostname, Number(port));

    figures('8 TLS scan', {
      sslscan: (/^Version: (\S+)/m.exec(scan) ?? [])[1],
      enabled: Object.keys(protocols).filter((p) => protocols[p] === 'enabled'),
      disabled: Object.keys(protocols).filter((p) => protocols[p] === 'disabled'),
      suites: suites.map((s) => `${s.protocol}:${s.name}`),
      nonAead: suites.filter((s) => !AEAD.test(s.name)).length,
      minBits: Math.min(...suites.map((s) => s.bits)),
      renegotiation,
      sslscanCompression: compression,
      deflateOfferedServerChose: hello.compressionMethod === 0 ? 'none' : `method ${hello.compressionMethod}`,
      serverHelloRenegotiationInfo: hello.secureRenegotiation,
      heartbleed: heartbleed.every((l) => /not vulnerable/.test(l)) ? 'not vulnerable' : heartbleed.join(' '),
      groups: groups.map((g) => g.replace(/\s+/g, ' ')),
    });

    expect(protocols).toEqual({ SSLv2: 'disabled', SSLv3: 'disabled', 'TLSv1.0': 'disabled', 'TLSv1.1': 'disabled', 'TLSv1.2': 'enabled', 'TLSv1.3': 'enabled' });
    expect(suites.length).toBeGreaterThan(0);
    expect(suites.filter((s) => !AEAD.test(s.name))).toEqual([]);
    expect(new Set(suites.map((s) => s.protocol))).toEqual(new Set(['TLSv1.2', 'TLSv1.3']));
    expect(suites.every((s) => s.bits >= 128)).toBe(true);
    expect(renegotiation).toMatch(/^(Session renegotiation not supported|Secure session renegotiation supported)$/);
    expect(renegotiation).not.toMatch(/Insecure/i);
    expect(compression).not.toMatch(/Compression enabled/);
    expect(hello).toMatchObject({ version: '303', compressionMethod: 0, secureRenegotiation: true });
    expect(heartbleed.length).toBeGreaterThan(0);
    expect(heartbleed.every((l) => /not vulnerable/.test(l))).toBe(true);
  });
});
