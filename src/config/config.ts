import { OPTIONS } from './options';

type Options = typeof OPTIONS;
type Value<K extends keyof Options> = ReturnType<Options[K]['parse']>;
type HasDefault<K extends keyof Options> = Options[K] extends { default: unknown } ? K : never;

/** The typed, validated, frozen configuration. Settings without a default may be absent. */
export type Config = Readonly<{ [K in keyof Options as HasDefault<K>]: Value<K> } & { [K in Exclude<keyof Options, HasDefault<keyof Options>>]?: Value<K> }>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

function readFlags(argv: readonly string[]): Record<string, string> {
  // A terminal starts without flags: commander is required only when there are some.
  if (argv.length === 0) return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Command, CommanderError } = require('commander') as typeof import('commander');
  const program = new Command('eposd').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const o of Object.values(OPTIONS)) program.option(`--${o.flag} <value>`, `${o.description} (${o.env})`);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new ConfigError([err.message.replace(/^error: /, '')]);
    throw err;
  }
  return program.opts<Record<string, string>>();
}

/** One raw value and the name it was given under (a flag, a variable, an option), for the message. */
type Raw = { raw: string; source: string } | undefined;

/** Parses each setting from what `read` finds for it, or gives it its default; every problem in one error. */
function settle(read: (key: keyof Options, option: Options[keyof Options]) => Raw, problems: string[] = []): Config {
  const out: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(OPTIONS) as [keyof Options, Options[keyof Options]][]) {
    const found = read(key, o);
    if (found === undefined || found.raw === '') {
      if ('default' in o) out[key] = o.default;
      continue;
    }
    try {
      out[key] = (o.parse as (r: string) => unknown)(found.raw);
    } catch (err) {
      problems.push(`${found.source} ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** Reads every setting once: a flag wins over its environment variable, which wins over the default. */
export function loadConfig(env: NodeJS.ProcessEnv = {}, argv: readonly string[] = []): Config {
  const flags = readFlags(argv);
  return settle((_, o) => {
    const flag = flags[o.flag.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())];
    if (flag !== undefined) return { raw: flag, source: `--${o.flag}` };
    const variable = env[o.env];
    return variable === undefined ? undefined : { raw: variable, source: o.env };
  });
}

/** Each setting by its name in the configuration (`port`, `simMode`), as a host app passes it. */
export type Settings = { [K in keyof Options]?: ReturnType<Options[K]['parse']> };

/**
 * The same settings from an object instead of the environment (src/embedded.ts), checked by the same
 * parsers; a problem names the option. A name that is not a setting is a problem too: a typo in code
 * would otherwise start the terminal on the default without a word.
 */
export function configFromSettings(settings: Readonly<Record<string, unknown>>): Config {
  const problems: string[] = [];
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries(settings)) {
    if (v === undefined || v === null) continue;
    if (!Object.hasOwn(OPTIONS, k)) problems.push(`${k} is not a setting of eposd`);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values.set(k, String(v));
    else problems.push(`${k} must be a string, a number or a boolean, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  }
  return settle((key) => (values.has(key) ? { raw: values.get(key)!, source: key } : undefined), problems);
}

/** The usage text, generated from the same table. */
export function configHelp(): string {
  return Object.values(OPTIONS)
    .map((o) => `  --${o.flag.padEnd(20)} ${o.env.padEnd(26)} ${o.description}${'default' in o ? ` (default ${String(o.default)})` : ''}`)
    .join('\n');
}
