/**
 * Resolves once `check()` holds, looking again every few milliseconds; rejects after `timeoutMs`.
 * For conditions that another part of the system makes true (a socket closed, a request registered):
 * the timeout only bounds a failing test, it measures nothing.
 */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
