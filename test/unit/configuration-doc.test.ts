import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIONS } from '../../src/config/options';

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(__dirname, '../../docs/configuration.md'), 'utf8');
  const rows = new Map(
    doc
      .split('\n')
      .filter((l) => l.startsWith('| `EPOSD_'))
      .map((l) => [/^\| `(EPOSD_[A-Z_]+)`/.exec(l)![1]!, l.split('|').map((c) => c.trim())]),
  );

  it.each(Object.values(OPTIONS).map((o) => [o.env, o] as const))('When %s is a setting, then the table documents it with its flag and default', (env, o) => {
    const row = rows.get(env);
    expect(row).toBeDefined();
    expect(row![2]).toBe(`\`--${o.flag}\``);
    // Without a default a setting is either generated (the terminal's identity) or simply not set.
    if ('default' in o) expect(row![3]).toBe(`\`${String(o.default)}\``);
    else expect(row![3]).toMatch(/^(generated|not set)$/);
  });

  it('When the table lists a variable, then it is a real setting', () => {
    const known = new Set(Object.values(OPTIONS).map((o) => o.env));
    expect([...rows.keys()].filter((env) => !known.has(env))).toEqual([]);
  });
});
