import { join } from 'node:path';
import { TerminalStore, endpointFrom, parseAddress, type PairedTerminal } from '../../src/client';
import { cleanupEposd, makeTempDir } from '../helpers/process';

describe('A terminal address, as eposd-pos --host and --terminal take it', () => {
  it.each([
    ['192.168.1.50', { host: '192.168.1.50' }],
    ['192.168.1.50:9443', { host: '192.168.1.50', port: 9443 }],
    ['till.local:8443', { host: 'till.local', port: 8443 }],
    ['::1', { host: '::1' }],
    ['[::1]:8443', { host: '::1', port: 8443 }],
    ['https://192.168.1.50:9443/payntpos/1.0.0', { host: '192.168.1.50', port: 9443 }],
  ])('when it is %s, then it is read as host and port', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each(['till 1', '192.168.1.50:0', '192.168.1.50:70000', '[till]:8443', ''])('when it is %j, then it is not an address', (text) => {
    expect(parseAddress(text)).toBeUndefined();
    expect(() => endpointFrom(text)).toThrow(/is not a terminal address/);
  });

  it('when no port is named, then it is 8443; a port in both places must agree', () => {
    expect(endpointFrom('10.0.0.2')).toEqual({ host: '10.0.0.2', port: 8443 });
    expect(endpointFrom('10.0.0.2', 9000)).toEqual({ host: '10.0.0.2', port: 9000 });
    expect(endpointFrom('10.0.0.2:9000', 9000)).toEqual({ host: '10.0.0.2', port: 9000 });
    expect(() => endpointFrom('10.0.0.2:9000', 9001)).toThrow(/names port 9000 but the port given is 9001/);
  });

  describe('when --terminal names a paired terminal', () => {
    afterAll(cleanupEposd);
    const terminal = (host: string, port: number, tid: string): PairedTerminal => ({
      host,
      port,
      tid,
      serialNumber: `S${tid}`,
      registerId: 'till-1',
      authToken: 't',
      fingerprint: 'a'.repeat(64),
      pairedAt: '2025-01-01T00:00:00.000Z',
    });
    it('then its host alone finds it when it is the only one on that host, or the one on 8443', () => {
      const store = new TerminalStore(join(makeTempDir('eposd-addr-'), 'terminals.json'));
      store.save(terminal('10.0.0.2', 9443, '22222222'));
      store.save(terminal('10.0.0.3', 8443, '33333333'));
      store.save(terminal('10.0.0.3', 9443, '44444444'));
      expect(store.find('10.0.0.2').tid).toBe('22222222');
      expect(store.find('10.0.0.3').tid).toBe('33333333');
      expect(store.find('10.0.0.3:9443').tid).toBe('44444444');
      expect(store.find('https://10.0.0.3:9443/payntpos/1.0.0').tid).toBe('44444444');
      expect(() => store.find('10.0.0.4')).toThrow(/No paired terminal is 10.0.0.4/);
    });
  });
});
