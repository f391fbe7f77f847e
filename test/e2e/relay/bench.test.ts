import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../helpers/process';
import { describeIf } from '../../helpers/needs';

// A quick run of `npm run bench:relay` (scripts/bench/relay.mjs), so that it cannot silently stop
// working: a small fleet, a few paired differences. Its figures are not asserted (timings are a
// benchmark's, never a test's); that it ran, counted what it says, and met no error is.
// Needs Debian's mosquitto, as the bench does (.ci/run installs it).

const hasMosquitto = spawnSync('mosquitto', ['-h']).error === undefined;

describeIf(hasMosquitto, 'mosquitto')('npm run bench:relay, a quick run', () => {
  it('runs the fleet and the paired differences with signing on, with 0 errors, and prints what it counted', async () => {
    const env = { ...process.env, RELAY_BENCH_TERMINALS: '12', RELAY_BENCH_PROCESSES: '2', RELAY_BENCH_CLIENTS: '3', RELAY_BENCH_SECONDS: '1', RELAY_BENCH_PAIRS: '20', RELAY_BENCH_PAYMENTS: '2' };
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(process.execPath, [join(ROOT, 'scripts', 'bench', 'relay.mjs')], { cwd: ROOT, env, timeout: 120_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve({ stdout: out }),
      ),
    );
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as {
      fleet: { requests: number; errors: number };
      real: { statusRead: { added: { n: number; p50: number | null } }; saleAck: { added: { n: number } }; errors: number };
      machine: { cores: number; load1: number };
    };
    expect(result.fleet.errors).toBe(0);
    expect(result.fleet.requests).toBeGreaterThan(0);
    expect(result.real.errors).toBe(0);
    expect(result.real.statusRead.added.n).toBe(20);
    expect(typeof result.real.statusRead.added.p50).toBe('number');
    expect(result.real.saleAck.added.n).toBe(2);
    expect(stdout).toContain(`(20 paired differences)`);
    expect(stdout).toMatch(/load average \(1 min\) [\d.]+ → [\d.]+ on \d+ cores/);
  }, 150_000);
});
