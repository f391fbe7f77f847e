import { join } from 'node:path';
import { cleanupEposd, makeTempDir } from '../helpers/process';
import { AdversarialApp, BEHAVIOURS, seeded } from './helpers/adversarial-app';
import { apiClient, pairRegister, readDb, startDevice, type Device } from './helpers/device';
import { figures, sleep, tally } from './helpers/figures';
import { scaled } from './helpers/scale';

// Issue 25: the bridge never loses or invents money, against a payment app that tries. A seeded
// adversary (helpers/adversarial-app.ts) picks per payment among approve, decline, partial with 00 and
// with 10, over-approve, approve zero, answer about another UTI, answer twice, answer late, never
// acknowledge, hold, send garbage, drop the link, and answer queries IN_PROGRESS then anything; eposd is
// killed with SIGKILL at random points and started again. After every payment, from the app's books and
// eposd's database:
//   (a) every approval the app holds is recorded APPROVED by eposd with exactly the app's amount, or was
//       reversed through the app;
//   (b) eposd records no approval that the app did not make for that UTI and amount;
//   (c) no POS waiting on a long-poll waits past its `wait`;
//   (d) the open batch's totals equal the sum of the recorded approvals.
// Every figure it prints is counted from what it observed. FAULTS_SEED replays a run.

const PAYMENTS = scaled(40, 2000);
const KILLS = scaled(6, 200);
const WAIT_S = 3;
/** What a long-poll may take beyond its `wait`: the answer's own time on a loaded machine. */
const WAIT_SLACK_MS = 1000;
const SETTLE_MS = 30_000;

const HOST_TIMEOUT_MS = 2000;
const ENV = {
  EPOSD_DRIVER: 'bridge',
  EPOSD_CARD_TIMEOUT_MS: '1000',
  EPOSD_HOST_TIMEOUT_MS: String(HOST_TIMEOUT_MS),
  EPOSD_BRIDGE_GRACE_MS: '800',
  EPOSD_BRIDGE_TIMEOUT_MS: '500',
  EPOSD_BRIDGE_WAIT_MS: '15000',
};

interface Totals {
  sales: { count: number; amount: number };
}

interface Row {
  uti: string;
  status: string;
  charged: number;
  reversal: string | null;
  batch: number | null;
}

describe('The bridge against an adversarial payment app, killed at random', () => {
  const seed = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = seeded(seed);
  const dir = makeTempDir('eposd-adversary-');
  const app = new AdversarialApp(seeded(seed ^ 0x5bd1e995), HOST_TIMEOUT_MS);
  let device: Device;
  let token: string;

  afterAll(async () => {
    app.close();
    await cleanupEposd();
  });

  const rows = (): Row[] =>
    readDb(device.dataDir, (db) =>
      db.prepare(`SELECT uti, status, coalesce(amount_authorised, amount + coalesce(tip_amount, 0) + coalesce(cashback_amount, 0)) AS charged, reversal, batch_id AS batch FROM transactions`).all(),
    ) as Row[];

  const closedBatches = (): { id: number; totals: Totals }[] =>
    readDb(device.dataDir, (db) =>
      (db.prepare(`SELECT id, totals FROM batches WHERE closed_at IS NOT NULL`).all() as { id: number; totals: string }[]).map((b) => ({ id: b.id, totals: JSON.parse(b.totals) as Totals })),
    );

  async function call<T>(path: string, init?: { method: string; body: unknown }, timeoutMs?: number) {
    const c = apiClient(device.eposd, token);
    try {
      return await c.call<T>(path, { ...init, timeoutMs });
    } finally {
      c.close();
    }
  }

  it(
    'never loses or invents money, whatever the app says and wherever eposd dies',
    async () => {
      console.log(`bridge adversary: seed ${seed} (FAULTS_SEED=${seed} plays this run again), ${PAYMENTS} payments, ${KILLS} kills planned`);
      const socket = join(dir, 'bridge.sock');
      await app.listen(socket);
      device = await startDevice({ ...ENV, EPOSD_BRIDGE_SOCKET: socket });
      token = await pairRegister(device.eposd, { registerId: 'till-adversary' });

      const seen = { payments: 0, kills: 0, busy: 0, longPolls: 0, longPollMaxOverMs: 0, outcomes: [] as string[] };
      // Each violation once, however many settles see it again: the run goes on, and reports them all.
      const violations = new Set<string>();
      const killAt = new Set<number>();
      while (killAt.size < Math.min(KILLS, PAYMENTS)) killAt.add(Math.floor(random() * PAYMENTS));

      let restarting: Promise<void> | undefined;
      const kill = (afterMs: number) =>
        (restarting = (async () => {
          await sleep(afterMs);
          device.eposd.kill('SIGKILL');
          await device.eposd.waitForExit();
          seen.kills += 1;
          await device.restart();
        })());

      /** Until the answer is not a refusal to start (503 while the app reconnects or reconciles, 409 while the last one prints), or eposd dies. */
      async function post(uti: string, body: Record<string, unknown>): Promise<void> {
        for (const deadline = Date.now() + SETTLE_MS; Date.now() < deadline;) {
          const res = await call<{ code?: string }>(`/transaction?disablePrinting=${String(random() < 0.7)}`, { method: 'POST', body: { ...body, uti } }).catch(() => undefined);
          if (res?.status === 200) return;
          if (res && res.status !== 503 && res.status !== 409) throw new Error(`POST answered ${res.status} ${res.text}`);
          if (res) seen.busy += 1;
          if (!res) await restarting;
          await sleep(50);
        }
        throw new Error(`${uti} was never accepted`);
      }

      /** The POS holds a long-poll; one that eposd answered is measured against its wait (c). */
      async function longPoll(uti: string): Promise<void> {
        for (let tries = 0; tries < 20; tries++) {
          const t0 = performance.now();
          const res = await call<{ status?: string }>(`/transaction?uti=${uti}&wait=${WAIT_S}`, undefined, WAIT_S * 1000 + 10_000).catch(() => undefined);
          if (!res) {
            await restarting;
            continue;
          }
          const over = performance.now() - t0 - WAIT_S * 1000;
          seen.longPolls += 1;
          seen.longPollMaxOverMs = Math.max(seen.longPollMaxOverMs, over);
          if (over > WAIT_SLACK_MS) violations.add(`(c) ${uti}: a long-poll of wait=${WAIT_S} answered ${Math.round(over)} ms past it`);
          if (res.status === 200) return;
        }
      }

      /** (a) and (b), from the app's books and eposd's rows, but those already counted. */
      const disagreements = (): { a: string[]; b: string[] } => {
        const eposd = new Map(rows().map((r) => [r.uti, r]));
        const a: string[] = [];
        const b: string[] = [];
        for (const [uti, held] of app.approvals) {
          if (held.reversed) continue;
          const r = eposd.get(uti);
          if (r?.status !== 'APPROVED' || r.charged !== held.amount) a.push(`(a) ${uti}: the app holds an approval of ${held.amount}; eposd has ${r ? `${r.status} ${r.charged}` : 'nothing'}`);
        }
        for (const r of eposd.values()) {
          if (r.status !== 'APPROVED') continue;
          const held = app.approvals.get(r.uti);
          if (!held || held.reversed || held.amount !== r.charged)
            b.push(`(b) ${r.uti}: eposd records APPROVED ${r.charged}; the app ${held ? `${held.reversed ? 'reversed' : 'approved'} ${held.amount}` : 'approved nothing'}`);
        }
        return { a: a.filter((v) => !violations.has(v)), b: b.filter((v) => !violations.has(v)) };
      };

      /** Waits until eposd and the app are still (final, nothing pending, books in agreement), then checks (a), (b) and (d). */
      async function settle(uti: string): Promise<void> {
        let last = disagreements();
        for (const deadline = Date.now() + SETTLE_MS; Date.now() < deadline; await sleep(50)) {
          await restarting;
          const mine = rows();
          const still = mine.some((r) => r.status === 'IN_PROGRESS' || r.reversal === 'PENDING');
          last = disagreements();
          if (last.b.length > 0) break;
          if (!still && app.quiet && last.a.length === 0) break;
        }
        for (const v of [...last.a, ...last.b]) violations.add(v);
        // (d) batch by batch: the open one as GET /settlement tells it, and each one closed (by the daily
        // settlement time, which a long run crosses) as it was recorded when it closed.
        const approved = rows().filter((r) => r.status === 'APPROVED');
        const open = await call<{ totals: Totals }>('/settlement');
        const batches: [string, number | null, Totals][] = [
          ['the open batch', null, open.body.totals],
          ...closedBatches().map(({ id, totals }): [string, number | null, Totals] => [`batch ${id}`, id, totals]),
        ];
        for (const [name, id, totals] of batches) {
          const mine = approved.filter((r) => r.batch === id);
          const sum = mine.reduce((n, r) => n + r.charged, 0);
          if (totals.sales.count !== mine.length || totals.sales.amount !== sum)
            violations.add(`(d) after ${uti}: ${name} says ${totals.sales.count} sales of ${totals.sales.amount}; eposd recorded ${mine.length} approvals of ${sum} in it`);
        }
        seen.outcomes.push(rows().find((r) => r.uti === uti)?.status ?? 'NONE');
      }

      const t0 = performance.now();
      for (let i = 0; i < PAYMENTS; i++) {
        const behaviour = BEHAVIOURS[Math.floor(random() * BEHAVIOURS.length)]!;
        app.next = behaviour;
        const uti = `adv-${seed.toString(36)}-${i}`;
        const body = { transType: 'SALE', amountTrans: 100 + Math.floor(random() * 9000), ...(random() < 0.5 ? { allowPartialApproval: true } : {}) };
        if (killAt.has(i)) void kill(Math.floor(random() * 2500));
        await post(uti, body);
        await longPoll(uti);
        await settle(uti);
        seen.payments += 1;
        if (seen.payments % 100 === 0) process.stderr.write(`bridge adversary: ${seen.payments} payments, ${seen.kills} kills, ${violations.size} violations\n`);
      }

      const counted = {
        seed,
        payments: seen.payments,
        kills: seen.kills,
        busyAnswers: seen.busy,
        longPolls: seen.longPolls,
        longPollMaxOverMs: Math.round(seen.longPollMaxOverMs),
        appApprovals: app.approvals.size,
        appReversed: [...app.approvals.values()].filter((a) => a.reversed).length,
        reversalsAsked: app.counts.reversalsAsked,
        cancelsAsked: app.counts.cancelsAsked,
        queriesAsked: app.counts.queriesAsked,
        linksDropped: app.counts.linksDropped,
        garbageSent: app.counts.garbageSent,
        batchesClosedOnSchedule: closedBatches().length,
        violations: violations.size,
        seconds: Math.round((performance.now() - t0) / 1000),
      };
      figures('bridge adversary', counted);
      figures('bridge adversary behaviours played', app.counts.byBehaviour);
      figures('bridge adversary outcomes', tally(seen.outcomes));
      if (violations.size > 0) console.log(`violations:\n${[...violations].join('\n')}`);
      expect([...violations]).toEqual([]);
    },
    scaled(20 * 60_000, 4 * 60 * 60_000),
  );
});
