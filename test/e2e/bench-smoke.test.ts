import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/process';

// npm run bench never runs in npm test. This runs it with BENCH_SMOKE=1 (every count at its minimum)
// only to check that it works end to end and that --json ends with every figure: their values on a
// shared test machine mean nothing, and nothing here depends on them.

const SMOKE_TIMEOUT_MS = 240_000;

// The figures' keys are kept from one run to the next (docs/performance.md lists them); samples,
// retries and machine say how many samples each is taken from, what was sent again, and the load.
const KEYS = {
  ack: ['p50Ms', 'p99Ms', 'p50Ratio'],
  status: ['rps', 'p99Ms', 'throughputRatio'],
  delivery: ['longPollP50Ms', 'longPollP99Ms', 'longPollP99OverBaselineMs', 'pollP50Ms'],
  startup: ['warmMs', 'warmRatio', 'firstMs', 'checkedMs'],
  memory: ['idleRssMB', 'idleRssRatio', 'loadedRssMB', 'soakGrowthMB'],
  scale: ['p99Ratio1MTo1k', 'bytesPerTransaction', 'purgeMaxStallMs'],
  idle: ['cpuPercent', 'cpuRatio'],
  samples: ['ack', 'status', 'longPoll', 'polling', 'warmStarts', 'firstStarts', 'checkedStarts', 'scale1k', 'scale1M'],
  retries: ['ackBusy', 'longPollReasks'],
  machine: ['load1Start', 'load1End'],
};

function runBench(): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts', 'bench', 'index.mjs'), '--quick', '--json'],
      { cwd: ROOT, env: { ...process.env, BENCH_SMOKE: '1' }, timeout: SMOKE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`, { cause: err }));
        else resolve({ stdout, stderr });
      },
    );
  });
}

describe('npm run bench -- --quick --json (BENCH_SMOKE=1)', () => {
  it(
    'prints the table, then one JSON object with every figure of the issue as its last line',
    async () => {
      const { stdout } = await runBench();
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^eposd bench/);
      const figures = JSON.parse(lines.at(-1)!) as Record<string, Record<string, unknown>>;
      expect(Object.keys(figures).sort()).toEqual(Object.keys(KEYS).sort());
      for (const [group, keys] of Object.entries(KEYS)) {
        expect(Object.keys(figures[group]!).sort()).toEqual([...keys].sort());
        for (const key of keys) {
          const value = figures[group]![key];
          if (group === 'memory' && key === 'soakGrowthMB') expect(value).toBeNull();
          // A smoke run idles for a second: the baseline may use no CPU tick in it, and a ratio to 0 is none.
          else if (group === 'idle' && key === 'cpuRatio') expect(value === null || (typeof value === 'number' && Number.isFinite(value))).toBe(true);
          else expect(typeof value === 'number' && Number.isFinite(value)).toBe(true);
        }
      }
    },
    SMOKE_TIMEOUT_MS + 10_000,
  );
});
