import { ConfigError, loadConfig } from '../../src/config/config';

function problemsOf(env: NodeJS.ProcessEnv, argv: string[] = []): string[] {
  try {
    loadConfig(env, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig with bad values', () => {
  it.each([
    ['EPOSD_PORT', 'abc'],
    ['EPOSD_PORT', '65536'],
    ['EPOSD_PORT', '-1'],
    ['EPOSD_PORT', '80.5'],
    ['EPOSD_SCREEN_PORT', 'x'],
    ['EPOSD_HOST', 'no-such-host'],
    ['EPOSD_HOST', '300.1.1.1'],
    ['EPOSD_TID', '1234567'],
    ['EPOSD_TID', '1234567a'],
    ['EPOSD_MID', 'ABC-123'],
    ['EPOSD_SERIAL', 'has space'],
    ['EPOSD_CURRENCY', 'eur'],
    ['EPOSD_READER', 'pax'],
    ['EPOSD_SIM_MODE', 'sometimes'],
    ['EPOSD_SIM_CARD_DELAY_MS', '-5'],
    ['EPOSD_CARD_TIMEOUT_MS', '0'],
    ['EPOSD_PAIRING_TTL_S', '9'],
    ['EPOSD_PAIR_RATE_LIMIT', '0'],
    ['EPOSD_RETENTION_DAYS', 'ninety'],
    ['EPOSD_SETTLEMENT_TIME', '24:00'],
    ['EPOSD_MDNS', 'maybe'],
    ['EPOSD_LOG_LEVEL', 'loud'],
    ['EPOSD_MERCHANT_NAME', 'x'.repeat(41)],
  ])('When %s is "%s", then the error names %s', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} must `));
  });

  it('When a flag has a bad value, then the error names the flag, not the variable', () => {
    const problems = problemsOf({}, ['--screen-port', 'abc']);
    expect(problems).toEqual([expect.stringMatching(/^--screen-port must be a whole number/)]);
  });

  it('When several values are bad, then every one is reported at once', () => {
    const problems = problemsOf({ EPOSD_PORT: 'abc', EPOSD_CURRENCY: 'euro' }, ['--tid', '1']);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/EPOSD_PORT/);
    expect(problems.join('\n')).toMatch(/EPOSD_CURRENCY/);
    expect(problems.join('\n')).toMatch(/--tid/);
  });

  it('When an unknown flag is given, then the error names it', () => {
    expect(problemsOf({}, ['--prot', '8443']).join('\n')).toMatch(/--prot/);
  });

  it('When a flag has no value, then the error names the flag', () => {
    expect(problemsOf({}, ['--port']).join('\n')).toMatch(/--port/);
  });

  it('When the error is shown, then its message lists every problem', () => {
    try {
      loadConfig({ EPOSD_PORT: 'abc' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).toMatch(/^invalid configuration:\n {2}EPOSD_PORT must be a whole number, got "abc"$/);
    }
  });
});
