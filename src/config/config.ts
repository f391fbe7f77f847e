import { OPTIONS } from './options';

type Options = typeof OPTIONS;
type Value<K extends keyof Options> = ReturnType<Options[K]['parse']>;
type HasDefault<K extends keyof Options> = Options[K] extends { default: unknown } ? K : never;

/** The typed, validated, frozen configuration. Settings without a default may be absent. */
export type Config = Readonly<
  { [K in keyof Options as HasDefault<K>]: Value<K> } & { [K in Exclude<keyof Options, HasDefault<keyof Options>>]?: Value<K> }
>;

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

/** Reads every setting once: a flag wins over its environment variable, which wins over the default. */
export function loadConfig(env: NodeJS.ProcessEnv = {}, argv: readonly string[] = []): Config {
  const flags = readFlags(argv);
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(OPTIONS)) {
    const camelFlag = o.flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const raw = flags[camelFlag] ?? env[o.env];
    if (raw === undefined || raw === '') {
      if ('default' in o) out[key] = o.default;
      continue;
    }
    try {
      out[key] = (o.parse as (r: string) => unknown)(raw);
    } catch (err) {
      const source = flags[camelFlag] !== undefined ? `--${o.flag}` : o.env;
      problems.push(`${source} ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** The usage text, generated from the same table. */
export function configHelp(): string {
  return Object.values(OPTIONS)
    .map((o) => `  --${o.flag.padEnd(20)} ${o.env.padEnd(26)} ${o.description}${'default' in o ? ` (default ${String(o.default)})` : ''}`)
    .join('\n');
}
