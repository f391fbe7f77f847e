import { allows, KeyRing, parseApiKeys } from '../../src/relay-gateway/api-keys';
import { readGatewaySettings } from '../../src/relay-gateway/settings';

const BROKER = { RELAY_BROKER_URL: 'mqtts://broker.example.com:8883' };
const KEY = 'k'.repeat(32);

describe('eposd-relay settings (its environment)', () => {
  it('When the broker and a key are given, then the defaults apply: port 9443 on every interface, 30 s, its limits', () => {
    expect(readGatewaySettings({ ...BROKER, RELAY_API_KEYS: KEY })).toMatchObject({
      port: 9443,
      host: '0.0.0.0',
      brokerUrl: 'mqtts://broker.example.com:8883',
      apiKeys: [KEY],
      open: false,
      timeoutMs: 30_000,
      brokerConnectTimeoutMs: 15_000,
      maxConnections: 1024,
      maxConnectionsPerAddress: 64,
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 10_000,
      idleTimeoutMs: 5_000,
      certDir: './relay-certs',
    });
  });

  it('When no key is given, then it refuses, unless --open says so on purpose', () => {
    expect(() => readGatewaySettings(BROKER)).toThrow(/RELAY_API_KEYS is not set[\s\S]*--open/);
    expect(readGatewaySettings(BROKER, ['--open'])).toMatchObject({ apiKeys: [], open: true });
    expect(() => readGatewaySettings({ ...BROKER, RELAY_API_KEYS: KEY }, ['--open'])).toThrow(/do not go together/);
  });

  it('When RELAY_API_KEYS lists keys, then each is trimmed, empty ones dropped, and one under 32 characters refused without being shown', () => {
    expect(readGatewaySettings({ ...BROKER, RELAY_API_KEYS: ` ${KEY} , ,${KEY}x ` }).apiKeys).toEqual([KEY, `${KEY}x`]);
    let message = '';
    try {
      readGatewaySettings({ ...BROKER, RELAY_API_KEYS: `${KEY},short-secret` });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('key 2 must be at least 32 characters');
    expect(message).not.toContain('short-secret');
  });

  it('When the broker user name could widen a topic (+, #, /), then it is refused', () => {
    for (const name of ['+', '#', 'a/b', 'relay+'])
      expect(() => readGatewaySettings({ ...BROKER, RELAY_API_KEYS: KEY, RELAY_BROKER_USERNAME: name })).toThrow(/RELAY_BROKER_USERNAME must be 1 to 64 letters/);
    expect(readGatewaySettings({ ...BROKER, RELAY_API_KEYS: KEY, RELAY_BROKER_USERNAME: 'relay-eu.1' }).brokerUsername).toBe('relay-eu.1');
  });

  it('When settings are wrong, then every problem is named in one error', () => {
    expect(() => readGatewaySettings({ RELAY_BROKER_URL: 'http://broker', RELAY_PORT: '70000', RELAY_TLS_KEY: '/nonexistent/key.pem', RELAY_API_KEYS: KEY })).toThrow(
      /RELAY_BROKER_URL must be an mqtts:\/\/ or mqtt:\/\/ URL[\s\S]*RELAY_PORT must be between 0 and 65535[\s\S]*RELAY_TLS_KEY names a file that cannot be read/,
    );
  });

  it('When the broker is missing, then the error says it is required; --print-fingerprint needs neither broker nor keys', () => {
    expect(() => readGatewaySettings({ RELAY_API_KEYS: KEY })).toThrow(/RELAY_BROKER_URL is required/);
    expect(readGatewaySettings({}, ['--print-fingerprint'])).toMatchObject({ certDir: './relay-certs' });
  });
});

describe('API keys and the terminals each may reach', () => {
  it('When a key names TIDs or prefixes, then it reaches those only; a key without a scope reaches every terminal', () => {
    const [all, some] = parseApiKeys([KEY, `${'s'.repeat(32)}:10000001|2000*`]);
    expect(allows(all!.scope, '99999999')).toBe(true);
    expect(['10000001', '20001234', '10000002', '30000000'].map((tid) => allows(some!.scope, tid))).toEqual([true, true, false, false]);
  });

  it('When a scope is not TIDs or prefixes, then it is refused', () => {
    expect(() => parseApiKeys([`${KEY}:1000#`])).toThrow(/TIDs or prefixes/);
    expect(() => parseApiKeys([`${KEY}:`])).toThrow(/TIDs or prefixes/);
  });

  it('When a key is presented, then the ring answers its scope, and nothing for a wrong or missing one', () => {
    const ring = new KeyRing([`${KEY}:10000001`]);
    expect(ring.scopeOf(KEY)?.tids).toEqual(new Set(['10000001']));
    expect(ring.scopeOf(`${KEY}x`)).toBeUndefined();
    expect(ring.scopeOf(undefined)).toBeUndefined();
  });
});
