#!/usr/bin/env node
import { Command } from 'commander';
import { tcpConnector, unixConnector } from '../bridge/link';
import { runConformance, table } from './checks';

// npm run bridge:conformance -- --connect /path/to/bridge.sock [--secret <shared secret>]
// npm run bridge:conformance -- --port 7400 --secret <shared secret>
// Exit code 0 when every check passes, 1 otherwise, 2 for wrong arguments.

const o = new Command('bridge-conformance')
  .option('--connect <socket>', "the payment app's Unix domain socket")
  .option('--port <n>', "the payment app's loopback TCP port")
  .option('--secret <s>', 'the shared secret: its proofs are checked both ways (required with --port)')
  .option('--timeout-ms <n>', 'how long each answer may take', '10000')
  .parse()
  .opts<{ connect?: string; port?: string; secret?: string; timeoutMs: string }>();

if ((o.connect === undefined) === (o.port === undefined)) {
  process.stderr.write('bridge-conformance: give --connect <socket> or --port <n> --secret <s>\n');
  process.exit(2);
}
const connect = o.connect !== undefined ? unixConnector(o.connect) : tcpConnector(Number(o.port));
void runConformance({ connect, secret: o.secret, timeoutMs: Number(o.timeoutMs) }).then((results) => {
  process.stdout.write(`${table(results)}\n`);
  // An optional check the app does not offer counts neither way.
  const run = results.filter((r) => !r.skipped);
  const failed = run.filter((r) => !r.ok).length;
  process.stdout.write(failed === 0 ? `conformance: all ${run.length} checks passed\n` : `conformance: ${failed} of ${run.length} checks failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
});
