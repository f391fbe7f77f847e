import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_PORT, parseAddress } from './address';
import { NotPairedError } from './errors';
import type { RelayPairing } from './relay';

/** What the POS keeps of one pairing: the token, and the key fingerprint pinned on first use. */
export interface PairedTerminal {
  host: string;
  port: number;
  tid: string;
  serialNumber: string;
  registerId: string;
  authToken: string;
  /** SHA-256 of the terminal's public key, 64 lowercase hex digits: every connection must present it. */
  fingerprint: string;
  pairedAt: string;
  webhookSecret?: string;
  /**
   * Reached through an eposd-relay gateway (docs/relay.md): `host` and `port` are the gateway's, and
   * `fingerprint` is still the terminal's key, proved at pairing by the code. Requests are signed with
   * this POS's relay key and answers checked against the terminal's; the token never crosses the relay.
   */
  relay?: RelayPairing;
}

interface StoreFile {
  version: 1;
  /** The address of the terminal chosen when none is named: the last one paired. */
  last?: string;
  terminals: PairedTerminal[];
}

/** `host:port`, with brackets around an IPv6 address; a terminal behind a relay gateway adds `/terminals/<tid>`. */
export const addressOf = (t: { host: string; port: number; tid?: string; relay?: unknown }): string =>
  `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}${t.relay && t.tid ? `/terminals/${t.tid}` : ''}`;

/** Where a terminal's API starts on the connection: the API's own path, after the gateway's terminal path when relayed. */
export const apiPathOf = (t: { tid: string; relay?: unknown }, basePath: string): string => (t.relay ? `/terminals/${t.tid}${basePath}` : basePath);

/** The headers a relayed request needs besides the token: the POS platform's key at the gateway. */
export const relayHeadersOf = (t: { relay?: { apiKey?: string } }): Record<string, string> => (t.relay?.apiKey ? { 'x-api-key': t.relay.apiKey } : {});

/** The key the TLS connection must present: the gateway's through a relay, else the terminal's own. */
export const connectionPinOf = (t: Pick<PairedTerminal, 'fingerprint' | 'relay'>): string => t.relay?.gatewayFingerprint ?? t.fingerprint;

/** The terminal at `text` (`host:port`, or a host alone: port 8443, or the only terminal paired on that host). */
function byAddress(terminals: PairedTerminal[], text: string): PairedTerminal | undefined {
  const wanted = parseAddress(text);
  if (!wanted) return undefined;
  const onHost = terminals.filter((t) => t.host.toLowerCase() === wanted.host.toLowerCase());
  const exact = onHost.find((t) => t.port === (wanted.port ?? DEFAULT_PORT));
  return exact ?? (wanted.port === undefined && onHost.length === 1 ? onHost[0] : undefined);
}

/** EPOSD_POS_CONFIG, else `$XDG_CONFIG_HOME/eposd-pos/terminals.json` (`~/.config/…` by default). */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EPOSD_POS_CONFIG) return env.EPOSD_POS_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'eposd-pos', 'terminals.json');
}

/**
 * The paired terminals, in one JSON file readable by its owner only (it holds tokens). Written to a
 * temporary file and renamed, so that a crash never leaves half a file.
 */
export class TerminalStore {
  constructor(readonly path: string = defaultStorePath()) {}

  private read(): StoreFile {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, terminals: [] };
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as StoreFile;
      if (!Array.isArray(parsed.terminals)) throw new Error('no terminals list');
      return parsed;
    } catch (err) {
      throw new Error(`${this.path} is not a terminals file (${(err as Error).message}); move it away and pair again`, { cause: err });
    }
  }

  private write(file: StoreFile): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  list(): PairedTerminal[] {
    return this.read().terminals;
  }

  /**
   * The terminal named by `selector` (its TID, or its address as `pair --host` takes it), else the last one paired, else the
   * only one. Throws NotPairedError when there is none to choose.
   */
  find(selector?: string): PairedTerminal {
    const file = this.read();
    if (file.terminals.length === 0) throw new NotPairedError('No terminal is paired yet. Pair one first: eposd-pos pair --host <address> --code <code>');
    if (selector) {
      const found = file.terminals.find((t) => t.tid === selector) ?? byAddress(file.terminals, selector);
      if (!found) throw new NotPairedError(`No paired terminal is ${selector}. Paired: ${file.terminals.map((t) => `${addressOf(t)} (TID ${t.tid})`).join(', ')}`);
      return found;
    }
    return file.terminals.find((t) => addressOf(t) === file.last) ?? file.terminals[file.terminals.length - 1]!;
  }

  /** The pin kept for an address, if any: a new pairing there must present the same key. */
  pinFor(host: string, port: number, relayedTid?: string): string | undefined {
    // A gateway has one key for every terminal behind it.
    if (relayedTid !== undefined) return this.read().terminals.find((t) => t.relay && t.host === host && t.port === port)?.relay?.gatewayFingerprint;
    return this.read().terminals.find((t) => addressOf(t) === addressOf({ host, port }))?.fingerprint;
  }

  /** Keeps a pairing; it replaces any earlier one at the same address or with the same TID, and becomes the default. */
  save(terminal: PairedTerminal): void {
    const file = this.read();
    const address = addressOf(terminal);
    file.terminals = [...file.terminals.filter((t) => addressOf(t) !== address && t.tid !== terminal.tid), terminal];
    file.last = address;
    this.write(file);
  }

  remove(terminal: PairedTerminal): void {
    const file = this.read();
    const address = addressOf(terminal);
    file.terminals = file.terminals.filter((t) => addressOf(t) !== address);
    if (file.last === address) delete file.last;
    this.write(file);
  }
}
