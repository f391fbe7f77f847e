import type { Answer } from './endpoint';

/** A status that is final (200) or not yet (202). */
export interface Status {
  final: boolean;
  body: unknown;
}

/**
 * A long-poll's answer (`wait=N`): a final status at once; otherwise the status again once `waitFor`
 * resolves (woken by the end, after N seconds, or when the client goes away). `input.signal` is read
 * only for a wait: it costs an AbortController.
 */
export function answerOrWait(
  first: Status,
  wait: string | undefined,
  input: { readonly signal: AbortSignal },
  waitFor: (ms: number, signal: AbortSignal) => Promise<void>,
  again: () => Status | undefined,
): Answer | Promise<Answer> {
  if (first.final || wait === undefined || input.signal.aborted) return { status: first.final ? 200 : 202, body: first.body };
  return waitFor(Number(wait) * 1000, input.signal).then(() => {
    const now = again() ?? first;
    return { status: now.final ? 200 : 202, body: now.body };
  });
}
