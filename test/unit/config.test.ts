import { ConfigError, configFromSettings, configHelp, loadConfig } from '../../src/config/config';
import { OPTIONS } from '../../src/config/options';

describe('loadConfig', () => {
  it('When nothing is set, then the settings SPEC §7 gives a default have it', () => {
    expect(loadConfig({}, [])).toMatchObject({
      port: 8443,
      screenPort: 8080,
      dataDir: './data',
      certDir: './certs',
      currency: 'EUR',
      reader: 'simulator',
      simCardDelayMs: 2000,
      simAuthDelayMs: 1000,
      cardTimeoutMs: 60_000,
      pairingTtlS: 600,
      retentionDays: 92,
      settlementTime: '01:00',
      mdns: false,
    });
  });

  it('When nothing is set, then every setting with a default has exactly that default, and no other key is set', () => {
    const config = loadConfig({}, []);
    const withDefault = Object.entries(OPTIONS).filter(([, o]) => 'default' in o);
    expect(Object.keys(config).sort()).toEqual(withDefault.map(([k]) => k).sort());
    for (const [key, o] of withDefault) expect([key, config[key as keyof typeof config]]).toEqual([key, (o as { default: unknown }).default]);
  });

  it('When identity is not configured, then tid, mid and serial are absent (generated later and kept)', () => {
    const config = loadConfig({});
    expect(config.tid).toBeUndefined();
    expect(config.mid).toBeUndefined();
    expect(config.serial).toBeUndefined();
  });

  it('When environment variables are set, then they are parsed to their types', () => {
    const config = loadConfig({
      EPOSD_PORT: '9443',
      EPOSD_SCREEN_PORT: '0',
      EPOSD_TID: '00000042',
      EPOSD_SIM_MODE: 'manual',
      EPOSD_MDNS: 'yes',
      EPOSD_PAIRING_TTL_S: '120',
      EPOSD_SETTLEMENT_TIME: '23:59',
      EPOSD_HOST: ' 127.0.0.1 ',
    });
    expect(config).toMatchObject({ port: 9443, screenPort: 0, tid: '00000042', simMode: 'manual', mdns: true, pairingTtlS: 120, settlementTime: '23:59', host: '127.0.0.1' });
  });

  it.each(['0.0.0.0', '::', '::1', '192.0.2.10', 'localhost'])('When EPOSD_HOST is %s, then it is accepted', (host) => {
    expect(loadConfig({ EPOSD_HOST: host }).host).toBe(host);
  });

  it('When a variable is set to the empty string, then its default applies', () => {
    expect(loadConfig({ EPOSD_PORT: '', EPOSD_CURRENCY: '' })).toMatchObject({ port: 8443, currency: 'EUR' });
  });

  it('When a flag and its variable are both set, then the flag wins', () => {
    const config = loadConfig({ EPOSD_PORT: '9000', EPOSD_SIM_CARD_DELAY_MS: '5', EPOSD_CURRENCY: 'USD' }, ['--port', '9001', '--sim-card-delay-ms=7']);
    expect(config).toMatchObject({ port: 9001, simCardDelayMs: 7, currency: 'USD' });
  });

  it('When a flag is valid and its variable is not, then the flag wins and the start goes on', () => {
    expect(loadConfig({ EPOSD_PORT: 'abc' }, ['--port', '1234']).port).toBe(1234);
  });

  it('When it has been read, then the configuration is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('When the usage text is asked for, then it lists every variable and flag', () => {
    const help = configHelp();
    for (const o of Object.values(OPTIONS)) {
      expect(help).toContain(o.env);
      expect(help).toContain(`--${o.flag}`);
    }
  });

  it('When it reads the environment, then only the variables it was given count (nothing at import time)', () => {
    process.env.EPOSD_PORT = '1111';
    try {
      expect(loadConfig({}).port).toBe(8443);
    } finally {
      delete process.env.EPOSD_PORT;
    }
  });
});

describe('configFromSettings (an embedded start, src/embedded.ts)', () => {
  it('When settings are given by name with their own types, then they are parsed as their variables are, and the rest keep their defaults', () => {
    const config = configFromSettings({ port: 0, host: '127.0.0.1', mdns: true, simMode: 'manual', tid: '12345678', dataDir: '/d', certDir: '/c', logLevel: undefined });
    expect(config).toMatchObject({ port: 0, host: '127.0.0.1', mdns: true, simMode: 'manual', tid: '12345678', dataDir: '/d', certDir: '/c', logLevel: 'info', screenPort: 8080 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(configFromSettings({})).toEqual(loadConfig({}));
  });

  it('When a setting is given by name, then its name is its flag in camelCase, as docs/configuration.md says', () => {
    for (const [key, o] of Object.entries(OPTIONS)) expect(key).toBe(o.flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()));
  });

  it('When settings are wrong, unknown or not plain values, then every problem is named by its option, none by a variable', () => {
    expect(() => configFromSettings({ port: 70000, retentionDays: 'soon', prot: 1, host: { ip: '1.2.3.4' } })).toThrow(
      new ConfigError([
        'prot is not a setting of eposd',
        'host must be a string, a number or a boolean, got object',
        'port must be between 0 and 65535, got 70000',
        'retentionDays must be a whole number, got "soon"',
      ]),
    );
  });
});
