// Idle: CPU time (user + system, from /proc) used over a quiet period by eposd with one POS paired,
// and by the baseline server beside it over the same seconds; and their resident memory at the end.
import { procStats } from './lib/proc.mjs';

export async function idle({ eposdPid, baselinePid, seconds }) {
  const e0 = procStats(eposdPid);
  const b0 = procStats(baselinePid);
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const e1 = procStats(eposdPid);
  const b1 = procStats(baselinePid);
  return {
    seconds: wallMs / 1000,
    eposd: { cpuPercent: ((e1.cpuMs - e0.cpuMs) / wallMs) * 100, cpuMs: e1.cpuMs - e0.cpuMs, rssMB: e1.rssMB },
    baseline: { cpuPercent: ((b1.cpuMs - b0.cpuMs) / wallMs) * 100, cpuMs: b1.cpuMs - b0.cpuMs, rssMB: b1.rssMB },
  };
}
