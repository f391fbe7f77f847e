import { setTimeout as delay } from 'node:timers/promises';
import type { Acknowledgement, EposdClient, FinalStatus, StreamEvent } from '../client';
import { EposdApiError } from '../client';
import { Progress, outcomeMessage, stageMessage } from './progress';
import { say } from './output';

export interface PaymentRun {
  /** The UTI, when it is chosen before the POST (SALE, REFUND, PREAUTH). */
  uti?: string;
  /** Sends the POST; answers the acknowledgement. */
  begin: () => Promise<Acknowledgement>;
  /** Progress on stderr (off for --json). */
  showProgress: boolean;
}

const STREAM_OPEN_WAIT_MS = 2_000;
/** Through the relay, how often the stage is read while the long poll waits for the outcome. */
const RELAY_STAGE_POLL_MS = 500;

/**
 * Runs one payment to its outcome: the event stream is opened first so that every stage can be shown,
 * the POST is sent, and the outcome is read by long-poll (the stream only drives the display).
 * Ctrl-C asks the terminal to cancel; a second Ctrl-C stops waiting.
 */
export async function runPayment(client: EposdClient, run: PaymentRun): Promise<FinalStatus> {
  const progress = new Progress(process.stderr, run.showProgress);
  const stop = new AbortController();
  let uti = run.uti;
  const early: StreamEvent[] = [];
  const onEvent = (e: StreamEvent) => {
    if (e.type !== 'transaction') return;
    if (uti === undefined) return void early.push(e);
    if (e.uti === uti) progress.show(e.status === 'IN_PROGRESS' ? stageMessage(e.state) : outcomeMessage({ status: e.status, statusReason: e.statusReason }));
  };
  let opened: () => void = () => undefined;
  const streamOpen = new Promise<void>((resolve) => (opened = resolve));
  const watching = (async () => {
    // The relay carries no event stream: through it the stages are read as the payment goes on.
    if (client.terminal.relay) {
      opened();
      return pollStages(client, () => uti, progress, stop.signal);
    }
    try {
      for await (const e of client.events({ signal: stop.signal, onOpen: opened })) onEvent(e);
    } catch {
      // The stream only drives the display: the long-poll still brings the outcome.
    } finally {
      opened();
    }
  })();
  await Promise.race([streamOpen, new Promise((r) => setTimeout(r, STREAM_OPEN_WAIT_MS).unref())]);

  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1 || uti === undefined) {
      say(process.stderr, `\nStopped waiting.${uti ? ` The terminal decides the outcome: eposd-pos status ${uti}` : ''}`);
      process.exit(1);
    }
    process.stderr.write('\nCancelling…\n');
    client.cancel(uti).catch((err: unknown) => {
      const why =
        err instanceof EposdApiError && err.code === 'CANNOT_CANCEL'
          ? 'The terminal can no longer cancel it (the card issuer has it); waiting for the outcome.'
          : `Could not cancel: ${(err as Error).message}`;
      say(process.stderr, why);
    });
  };
  process.on('SIGINT', onSigint);
  try {
    const ack = await run.begin();
    uti = ack.uti;
    early.splice(0).forEach(onEvent);
    const final = await client.waitForOutcome(ack.uti, { onProgress: (s) => progress.show(stageMessage(s.stage)) });
    progress.finish(outcomeMessage(final));
    return final;
  } finally {
    process.removeListener('SIGINT', onSigint);
    stop.abort();
    await watching;
  }
}

/** Shows the payment's stage every RELAY_STAGE_POLL_MS until it is final or `signal` stops it (the long poll brings the outcome). */
async function pollStages(client: EposdClient, uti: () => string | undefined, progress: Progress, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const id = uti();
    const s = id === undefined ? undefined : await client.status(id, { signal }).catch(() => undefined);
    if (s && s.status !== 'IN_PROGRESS') return;
    if (s) progress.show(stageMessage(s.stage));
    await delay(RELAY_STAGE_POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
