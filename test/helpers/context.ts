import request from 'supertest';
import type { App } from '../../src/http/serve';
import { BASE_PATH } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { createContext, type AppContext, type ContextOverrides } from '../../src/context';
import { openDatabase } from '../../src/db/open';
import { ManualClock } from '../../src/shared/clock';
import { stringMatching } from './matchers';

export const TEST_FINGERPRINT = 'a'.repeat(64);
export const TEST_TID = '12345678';

/** What a POS pairing as `registerId` with the test context is answered: a token of the documented form, the terminal's identity. */
export const pairingAnswerOf = (registerId: string) => ({
  authToken: stringMatching(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/),
  registerId,
  tid: TEST_TID,
  serialNumber: 'EPD000000001',
  certificateFingerprint: TEST_FINGERPRINT,
  role: 'pos',
});
export const TEST_ADDRESS = '192.0.2.10';

/** Settings every test context gets unless it says otherwise: a fixed identity and no pairing rate limit to trip over. */
export const TEST_ENV: NodeJS.ProcessEnv = {
  EPOSD_TID: TEST_TID,
  EPOSD_MID: '000000000000001',
  EPOSD_SERIAL: 'EPD000000001',
  EPOSD_PAIR_RATE_LIMIT: '100000',
};

/** A documentation address (RFC 5737) on no network: where every host name of a webhook resolves in tests. */
export const TEST_RESOLVED_ADDRESS = '192.0.2.20';

/** No test asks real DNS: localhost is loopback, every other name TEST_RESOLVED_ADDRESS (a test may give its own resolver). */
export const testResolve = (hostname: string): Promise<string[]> => Promise.resolve(hostname === 'localhost' ? ['127.0.0.1'] : [TEST_RESOLVED_ADDRESS]);

export interface TestContextOptions extends ContextOverrides {
  /** Extra or replaced EPOSD_* settings, read by the real loadConfig. */
  env?: NodeJS.ProcessEnv;
}

export interface TestContext {
  ctx: AppContext;
  /** The clock the context was built with: a ManualClock unless one was passed. */
  clock: ManualClock;
  /** Every `[screen]` line written so far. */
  screenLines: string[];
}

/**
 * The real composition root over an in-memory database, a manual clock and a captured screen.
 * Call `ctx.destroy()` when done.
 */
export function testContext(options: TestContextOptions = {}): TestContext {
  const { env, ...overrides } = options;
  const screenLines: string[] = [];
  const clock = overrides.clock instanceof ManualClock ? overrides.clock : new ManualClock();
  const ctx = createContext(loadConfig({ ...TEST_ENV, ...env }), TEST_FINGERPRINT, {
    db: openDatabase(':memory:'),
    clock,
    screenOut: (line) => void screenLines.push(line),
    addresses: [TEST_ADDRESS],
    // Time the purge can vouch for moves with the manual clock (src/transactions/clock-guard.ts).
    monotonic: { nowMs: () => clock.now().getTime(), bootId: () => 'test-boot', uptimeMs: () => 0 },
    resolve: testResolve,
    ...overrides,
  });
  return { ctx, clock, screenLines };
}

export interface PairOptions {
  registerId?: string;
  registerName?: string;
  role?: 'pos' | 'technician';
}

/** Opens a pairing window as the installer would and pairs through the API; returns the token. */
export async function pair(app: App, ctx: AppContext, options: PairOptions = {}): Promise<string> {
  const { code } = ctx.pairing.openWindow();
  const res = await request(app)
    .get(`${BASE_PATH}/pair`)
    .query({ pairingCode: code, ...options });
  if (res.status !== 200) throw new Error(`pairing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { authToken: string }).authToken;
}

export const pairPos = (app: App, ctx: AppContext, registerId = 'till-1'): Promise<string> => pair(app, ctx, { registerId });

export const pairTechnician = (app: App, ctx: AppContext, registerId = 'tech-1'): Promise<string> => pair(app, ctx, { registerId, role: 'technician' });

/** A 6-digit code that is certainly not `code`. */
export const otherCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
