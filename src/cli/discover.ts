import { TerminalStore, addressOf } from '../client';
import { discoverTerminals, type DiscoveredTerminal } from '../discovery/browser';
import type { MdnsNetwork } from '../discovery/mdns-network';
import { fingerprintBlock } from './render';

export async function discover(options: { seconds: number; network: MdnsNetwork; store: TerminalStore; json: boolean }): Promise<DiscoveredTerminal[]> {
  if (!options.json) process.stderr.write(`Listening for terminals for ${options.seconds} s…\n`);
  const found = await discoverTerminals({ timeoutMs: options.seconds * 1000, network: options.network });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
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
    process.stdout.write(`${t.name}  ${addressOf(t)}  TID ${t.tid ?? '?'}  serial ${t.serialNumber ?? '?'}  version ${t.version ?? '?'}  (${state})\n`);
    if (t.fingerprint) process.stdout.write(`${fingerprintBlock(t.fingerprint)}\n`);
    if (pin === undefined) process.stdout.write(`  pair: eposd-pos pair --host ${t.host} --port ${t.port} --fingerprint ${t.fingerprint ?? ''} --code <code on its screen>\n`);
  }
  return found;
}
