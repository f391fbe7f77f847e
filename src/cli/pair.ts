import { createInterface } from 'node:readline/promises';
import { EposdClient, addressOf, endpointFrom, probeFingerprint, type PairedTerminal } from '../client';
import { UsageError } from './amount';
import { fingerprintBlock } from './render';

export interface PairCommandOptions {
  host?: string;
  /** Pair through an eposd-relay gateway at this URL (https://gateway:9443), with the terminal's --tid. */
  relay?: string;
  tid?: string;
  apiKey?: string;
  port?: number;
  code: string;
  registerId?: string;
  name?: string;
  callbackUrl?: string;
  fingerprint?: string;
  acceptNewKey?: boolean;
  yes?: boolean;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Whether a person can answer a question: standard input and standard error are both a terminal. */
export const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY);

export const NOT_CONFIRMABLE =
  "Not paired: the terminal's key fingerprint cannot be confirmed without a terminal to ask on (standard input is not one). " +
  "Read the fingerprint on the terminal's screen and give it with --fingerprint <sha256>, or give --yes to pin whatever key the terminal presents.";

/**
 * Trust on first use, with a person in the loop: on a terminal the key's fingerprint is shown and
 * confirmed before the code is sent, and the pairing is pinned to it. Without a terminal (a script, or
 * `echo y |`) nobody can compare it, so the pairing needs the expected `--fingerprint`, or `--yes` to
 * say that the caller takes the key unseen, as package managers refuse to go on unasked.
 */
export async function pairCommand(client: EposdClient, o: PairCommandOptions): Promise<PairedTerminal> {
  if (!/^\d{6}$/.test(o.code)) throw new UsageError('--code must be the 6 digits on the terminal screen');
  if (o.relay !== undefined) return pairThroughRelay(client, o);
  if (o.host === undefined) throw new UsageError('Give --host <address> (on the same network), or --relay <gateway URL> with --tid <TID>.');
  const endpoint = endpointFrom(o.host, o.port);
  let expected = o.fingerprint;
  if (!expected && !o.yes && !interactive()) throw new UsageError(NOT_CONFIRMABLE);
  if (!expected && !o.yes) {
    const presented = await probeFingerprint(endpoint);
    process.stderr.write(`The terminal at ${addressOf(endpoint)} presents this key (SHA-256 fingerprint):\n${fingerprintBlock(presented)}\n`);
    if (!(await confirm("Does the terminal's screen show the same fingerprint? [y/N] "))) throw new UsageError('Not paired: the fingerprint was not confirmed.');
    expected = presented;
  }
  return client.pair({
    host: endpoint.host,
    port: endpoint.port,
    code: o.code,
    registerId: o.registerId,
    registerName: o.name,
    callbackUrl: o.callbackUrl,
    expectedFingerprint: expected,
    acceptNewKey: o.acceptNewKey,
  });
}

/**
 * Through a gateway the code is still read on the terminal's screen, and never crosses in a form the
 * gateway can use (CPace): the terminal's key is proved by the code, then shown and confirmed, or
 * compared with --fingerprint, before the pairing is finished. Without a terminal to ask on it refuses,
 * unless --fingerprint or --yes, as on the LAN.
 */
function pairThroughRelay(client: EposdClient, o: PairCommandOptions): Promise<PairedTerminal> {
  if (o.tid === undefined || !/^\d{8}$/.test(o.tid)) throw new UsageError("--relay needs --tid <the terminal's 8-digit TID>");
  let url: URL;
  try {
    url = new URL(o.relay!);
  } catch {
    throw new UsageError(`--relay must be the gateway's URL, such as https://relay.example.com:9443 (got "${o.relay}")`);
  }
  if (url.protocol !== 'https:') throw new UsageError('--relay must be an https:// URL');
  if (!o.fingerprint && !o.yes && !interactive()) throw new UsageError(NOT_CONFIRMABLE);
  const ask = !o.fingerprint && !o.yes;
  return client.pair({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 443,
    code: o.code,
    registerId: o.registerId,
    registerName: o.name,
    callbackUrl: o.callbackUrl,
    expectedFingerprint: o.fingerprint,
    acceptNewKey: o.acceptNewKey,
    relay: { tid: o.tid, apiKey: o.apiKey ?? process.env.EPOSD_RELAY_API_KEY },
    confirmKey: ask
      ? async (fingerprint) => {
          process.stderr.write(`Terminal ${o.tid} proved with the code that its key is (SHA-256 fingerprint):\n${fingerprintBlock(fingerprint)}\n`);
          return confirm("Does the terminal's screen show the same fingerprint? [y/N] ");
        }
      : undefined,
  });
}

export function pairedMessage(t: PairedTerminal, confirmed: boolean): string {
  return [
    `Paired with terminal ${t.tid} (serial ${t.serialNumber}) at ${addressOf(t)} as register ${t.registerId}.`,
    t.relay ? "Through the relay gateway, end to end: pinned the terminal's key (proved by the code), SHA-256 fingerprint:" : 'Pinned certificate key, SHA-256 fingerprint:',
    fingerprintBlock(t.fingerprint),
    confirmed
      ? 'Every later connection must present this key.'
      : "Compare it with the fingerprint on the terminal's screen. Every later connection must present this key; if they differ, do not use this pairing.",
  ].join('\n');
}
