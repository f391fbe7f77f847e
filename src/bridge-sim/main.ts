#!/usr/bin/env node
import { existsSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { acceptLinks } from '../bridge/link';
import { PROTOCOL } from '../bridge/protocol';
import { integer, oneOf } from '../config/parsers';
import { SimulatedPaymentApp } from './payment-app';
import { SimStore } from './store';
import type { TestCardId } from '../reader/simulator/test-cards';

// eposd-bridge-sim: the reference payment app, in its own process (docs/bridge.md).
//   eposd-bridge-sim --socket /run/eposd/bridge.sock --store ./bridge-sim.json
//   eposd-bridge-sim --port 7400 --secret <16+ characters>
// Settings from the built-in simulator's variables: EPOSD_SIM_MODE, EPOSD_SIM_CARD_DELAY_MS,
// EPOSD_SIM_AUTH_DELAY_MS. Manual mode takes the cardholder's actions from eposd's screen page
// (simulator.action, capability "simulator") and on standard input, one a line:
//   card [visa-contactless|mastercard-chip|amex-swipe|visa-declined]   pin   cancel
// With --screen (the POS's display and prompts): answer <json>   skip   cancel (a prompt, when no payment runs).
// Test hooks on the same input: settle approved|declined|forget, release (with --hold-results).

const env = process.env;
const program = new Command('eposd-bridge-sim')
  .option('--socket <path>', 'listen on this Unix domain socket')
  .option('--port <n>', 'listen on 127.0.0.1:<n> (0: any free port)')
  .option('--secret <s>', 'the shared secret both sides prove they hold (required with --port)')
  .option('--store <file>', 'remember results and reversals in this JSON file (kept across restarts)')
  .option('--mode <mode>', 'auto or manual (default EPOSD_SIM_MODE or auto)')
  .option('--protocol <p>', 'the protocol version to speak (tests of a mismatch)', PROTOCOL)
  .option('--hold-results', 'test hook: keep each decided result until "release" on standard input')
  .option('--screen', "own the cardholder's screen: take the POS's display and prompts (capabilities display, prompt)")
  .parse();
const o = program.opts<{ socket?: string; port?: string; secret?: string; store?: string; mode?: string; protocol: string; holdResults?: boolean; screen?: boolean }>();

function fail(message: string): never {
  process.stderr.write(`eposd-bridge-sim: ${message}\n`);
  process.exit(2);
}

if ((o.socket === undefined) === (o.port === undefined)) fail('give --socket <path> or --port <n>');
if (o.port !== undefined && o.secret === undefined) fail('--port needs --secret: anything on the device can open a loopback port');
if (o.secret !== undefined && o.secret.length < 16) fail('--secret must be at least 16 characters');
const setting = <T>(parse: (raw: string) => T, raw: string | undefined, fallback: T, name: string): T => {
  try {
    return raw === undefined || raw === '' ? fallback : parse(raw);
  } catch (err) {
    return fail(`${name} ${(err as Error).message}`);
  }
};
const mode = setting(oneOf('auto', 'manual'), o.mode ?? env.EPOSD_SIM_MODE, 'auto', 'mode');
const cardDelayMs = setting(integer(0, 600_000), env.EPOSD_SIM_CARD_DELAY_MS, 2000, 'EPOSD_SIM_CARD_DELAY_MS');
const authDelayMs = setting(integer(0, 600_000), env.EPOSD_SIM_AUTH_DELAY_MS, 1000, 'EPOSD_SIM_AUTH_DELAY_MS');

const log = (line: string) => process.stdout.write(`[bridge-sim] ${line}\n`);
const app = new SimulatedPaymentApp({
  mode,
  cardDelayMs,
  pinDelayMs: Math.min(1500, cardDelayMs),
  authDelayMs,
  secret: o.secret,
  protocol: o.protocol,
  holdResults: o.holdResults === true,
  store: new SimStore(o.store),
  log,
  screen: o.screen === true,
});

const server = createServer();
acceptLinks(server, (link) => app.connect(link));
if (o.socket !== undefined && existsSync(o.socket)) unlinkSync(o.socket);
const listening = () => {
  const where = o.socket !== undefined ? `socket=${o.socket}` : `port=${(server.address() as { port: number }).port}`;
  process.stdout.write(`eposd-bridge-sim ready ${where} protocol=${o.protocol} mode=${mode}\n`);
};
// @NOTE The socket is this user's alone (0600), whatever umask it was started with: anyone who can
// connect to it could play eposd. Everything else it creates (the store) is private as well.
process.umask(0o177);
if (o.socket !== undefined) server.listen(o.socket, listening);
else server.listen(setting(integer(0, 65535), o.port, 0, '--port'), '127.0.0.1', listening);
server.on('error', (err) => fail(err.message));

/** `answer <json>` on standard input: the cardholder's answer to the prompt up (--screen), as JSON (true, ["l"], "ana@example.com"). */
function answerFrom(json: string): boolean {
  try {
    return app.screen?.answer(JSON.parse(json)) ?? false;
  } catch {
    return false;
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  const done = (() => {
    switch (command) {
      case 'card':
        return app.presentCard(arg as TestCardId | undefined);
      case 'pin':
        return app.enterPin();
      case 'cancel':
        // A prompt up (--screen) is the cardholder's to cancel when no payment runs.
        return app.screen?.up && !app.state ? app.screen.cancel() : app.customerCancel();
      case 'answer':
        return answerFrom(line.trim().slice('answer'.length).trim());
      case 'skip':
        return app.screen?.skip() ?? false;
      case 'settle':
        return arg === 'approved' || arg === 'declined' || arg === 'forget' ? app.settle(arg) : false;
      case 'release':
        return app.release();
      case 'state':
        log(`state ${JSON.stringify(app.state ?? null)}`);
        return true;
      default:
        return command === '' || command === undefined;
    }
  })();
  if (!done) log(`cannot ${line.trim()} now`);
});

const stop = () => {
  server.close();
  if (o.socket !== undefined && existsSync(o.socket)) unlinkSync(o.socket);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
