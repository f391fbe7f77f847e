import { readGatewaySettings } from '../../src/relay-gateway/settings';

describe('eposd-relay settings (its environment)', () => {
  it('When only the broker is given, then the defaults apply: port 9443 on every interface, open, 30 s', () => {
    expect(readGatewaySettings({ RELAY_BROKER_URL: 'mqtts://broker.example.com:8883' })).toMatchObject({
      port: 9443,
      host: '0.0.0.0',
      brokerUrl: 'mqtts://broker.example.com:8883',
      apiKeys: [],
      timeoutMs: 30_000,
      certDir: './relay-certs',
    });
  });

  it('When RELAY_API_KEYS lists keys, then each is trimmed and empty ones are dropped', () => {
    expect(readGatewaySettings({ RELAY_BROKER_URL: 'mqtt://127.0.0.1:1883', RELAY_API_KEYS: ' a-key , ,another ' }).apiKeys).toEqual(['a-key', 'another']);
  });

  it('When settings are wrong, then every problem is named in one error', () => {
    expect(() => readGatewaySettings({ RELAY_BROKER_URL: 'http://broker', RELAY_PORT: '70000', RELAY_TLS_KEY: '/nonexistent/key.pem' })).toThrow(
      /RELAY_BROKER_URL must be an mqtts:\/\/ or mqtt:\/\/ URL[\s\S]*RELAY_PORT must be between 0 and 65535[\s\S]*RELAY_TLS_KEY names a file that cannot be read/,
    );
  });

  it('When the broker is missing, then the error says it is required', () => {
    expect(() => readGatewaySettings({})).toThrow(/RELAY_BROKER_URL is required/);
  });
});
