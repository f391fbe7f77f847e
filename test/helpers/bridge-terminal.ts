import type { AppContext } from '../../src/context';
import type { Db } from '../../src/db/open';
import type { TransactionRequest } from '../../src/transactions/transactions.schemas';
import { testContext } from './context';
import type { FakeBridge } from './fake-bridge';
import { capturingLogger } from './payments';
import { until } from './until';

// A terminal with EPOSD_DRIVER=bridge over the in-process channel, in this process, for the tests of
// the bridge at its port: the real composition root, a scripted payment app (FakeBridge), short timings.

export const GRACE_MS = 300;

export interface BridgeTerminalOptions {
  hostTimeoutMs?: number;
  cardTimeoutMs?: number;
  /** EPOSD_BRIDGE_TIMEOUT_MS: how long eposd waits for any reply of the app. */
  replyTimeoutMs?: number;
  /** Runs before ctx.start(): rows a crash left behind. */
  before?: (ctx: AppContext) => void;
  /** Wait until the app is connected and nothing is left to reconcile (default true). */
  waitReady?: boolean;
  /** The database of a previous terminal: this one is that terminal started again. */
  db?: Db;
}

const contexts: AppContext[] = [];

/** Destroys every terminal made since the last call: in afterEach. */
export const destroyBridgeTerminals = (): void => contexts.splice(0).forEach((ctx) => ctx.destroy());

export async function bridgeTerminal(bridge: FakeBridge, options: BridgeTerminalOptions = {}) {
  const { logger, lines } = capturingLogger('info');
  const { ctx } = testContext({
    env: {
      EPOSD_DRIVER: 'bridge',
      EPOSD_BRIDGE_GRACE_MS: String(GRACE_MS),
      EPOSD_BRIDGE_TIMEOUT_MS: String(options.replyTimeoutMs ?? 1000),
      EPOSD_CARD_TIMEOUT_MS: String(options.cardTimeoutMs ?? 5000),
      EPOSD_HOST_TIMEOUT_MS: String(options.hostTimeoutMs ?? 5000),
    },
    bridgeConnector: bridge.channel.connector,
    logger,
    ...(options.db ? { db: options.db } : {}),
    timings: { printTimeoutMs: 1000 },
  });
  contexts.push(ctx);
  options.before?.(ctx);
  ctx.start();
  const app = ctx.paymentApp!;
  if (options.waitReady !== false) await until('the payment app connected', () => app.client.connected && app.report().reconciling === false, 5000);
  const row = (uti: string) => ctx.transactionsRepo.findByUti(uti)!;
  const start = (r: TransactionRequest, disablePrinting = true) => ctx.transactions.start(r, 'till-1', disablePrinting).uti;
  const sale = (amountTrans = 1000, extra: Partial<TransactionRequest> = {}) => start({ transType: 'SALE', amountTrans, ...extra });
  const finals = (uti: string) =>
    ctx.db.prepare(`SELECT count(*) FROM transaction_events e JOIN transactions t ON t.id = e.transaction_id WHERE t.uti = ? AND e.to_state = 'IDLE'`).pluck().get(uti) as number;
  const final = async (uti: string) => {
    await until(`${uti} final`, () => row(uti).status !== 'IN_PROGRESS', 5000);
    return row(uti);
  };
  /** Log lines at `level` whose fields mention `uti`. */
  const logged = (level: 'warn' | 'error', uti?: string) => lines.filter((l) => l.level === (level === 'warn' ? 40 : 50) && (uti === undefined || JSON.stringify(l).includes(uti)));
  return { ctx, app, row, start, sale, finals, final, logged, lines };
}

export type BridgeTerminal = Awaited<ReturnType<typeof bridgeTerminal>>;

/** Starts a sale and acknowledges its payment.start as the app. */
export async function startedSale(bridge: FakeBridge, t: BridgeTerminal, amountTrans = 1000, extra: Partial<TransactionRequest> = {}) {
  const uti = t.sale(amountTrans, extra);
  const start = await bridge.next('payment.start');
  bridge.send({ type: 'ack', re: start.id });
  return { uti, start };
}

/** A transaction a crash left in progress at the host: the row as the previous process committed it. */
export const orphan = (uti: string, amount = 1000, extra: { allowPartial?: 1 | null } = {}) => ({
  uti,
  transType: 'SALE' as const,
  amount,
  currency: 'EUR',
  reference: null,
  originalUti: null,
  registerId: 'till-1',
  requestHash: null,
  disablePrinting: 1,
  stage: 'AUTHORIZING' as const,
  createdAt: 0,
  ...extra,
});

/** Answers every payment.query with `answer` (the app's memory), as long as the test runs. */
export function answerQueries(bridge: FakeBridge, answer: (uti: string) => object): { asked: () => number } {
  let asked = 0;
  void (async () => {
    for (;;) {
      const q = await bridge.next('payment.query', 3000).catch(() => undefined);
      if (!q) return;
      asked += 1;
      bridge.send({ type: 'payment.status', re: q.id, uti: q.uti, ...answer(q.uti) } as never);
    }
  })();
  return { asked: () => asked };
}
