import { TerminalStore, addressOf } from '../client';
import { discoverTerminals, type DiscoveredTerminal } from '../discovery/browser';
import type { MdnsNetwork } from '../discovery/mdns-network';
import { fingerprintBlock } from './render';
import { say, sayJson } from './output';

export async function discover(options: { seconds: number; network: MdnsNetwork; store: TerminalStore; json: boolean }): Promise<DiscoveredTerminal[]> {
  if (!options.json) process.stderr.write(`Listening for terminals for ${options.seconds} s…\n`);
  const found = await discoverTerminals({ timeoutMs: options.seconds * 1000, network: options.network });
  if (options.json) {
    sayJson(process.stdout, found);
    return found;
  }
  if (found.length === 0) {
    process.stdout.write('No terminal heard. A terminal announces itself only with EPOSD_MDNS=true, on the same network segment.\n');
    return found;
  }
  const paired = options.store.list();
  for (const t of found) {
    const pin = paired.find((p) => p.tid === t.tid)?.fingerprint;
    const state = pin === undefined ? 'not paired' : pin === t.fingerprint ? 'paired' : 'paired, BUT ITS KEY DIFFERS FROM THE PINNED ONE';
    // What any device on the LAN announces: written through say (output.ts).
    say(process.stdout, `${t.name}  ${addressOf(t)}  TID ${t.tid ?? '?'}  serial ${t.serialNumber ?? '?'}  version ${t.version ?? '?'}  (${state})`);
    if (t.fingerprint) say(process.stdout, fingerprintBlock(t.fingerprint));
    if (pin === undefined) say(process.stdout, `  pair: eposd-pos pair --host ${t.host} --port ${t.port} --fingerprint ${t.fingerprint ?? ''} --code <code on its screen>`);
  }
  return found;
}
