/** How late a zero-delay timer fires now: the event loop's lag, sampled on demand (no timer runs while idle). */
export async function eventLoopLagMs(samples = 5): Promise<number> {
  let worst = 0;
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, 0));
    worst = Math.max(worst, Number(process.hrtime.bigint() - start) / 1e6 - 1);
  }
  return Math.max(0, Math.round(worst * 100) / 100);
}
