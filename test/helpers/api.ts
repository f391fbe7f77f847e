import type { App } from '../../src/http/serve';
import { createApp } from '../../src/app';
import type { AppContext } from '../../src/context';
import { createScreenApp } from '../../src/screen/screen.app';
import type { ManualClock } from '../../src/shared/clock';
import { pair, testContext, type PairOptions, type TestContextOptions } from './context';
import { dbSnapshot, type DbSnapshot } from './db';
import { listenOnLoopback, type Listening } from './server';

export interface UseApiOptions extends TestContextOptions {
  /** Pair a POS (registerId till-1) once the context is built: its token is `api.token`. */
  paired?: boolean;
  /** Serve the app on 127.0.0.1 and an ephemeral port: `api.server`. */
  listen?: boolean;
  /** One context for the whole describe block (beforeAll/afterAll) rather than one per test; not with options given as a function. */
  perFile?: boolean;
  /** After each test, expect the database exactly as the set-up left it (the audit log aside): for tests of refused requests. */
  unchangedDatabase?: boolean;
  /** Checks to run after each test while the context is still alive (the cleanup runs after them). */
  afterEach?: (api: Api) => void | Promise<void>;
}

export interface Api {
  readonly ctx: AppContext;
  /** The context's ManualClock (or the one passed in `clock`). */
  readonly clock: ManualClock;
  /** Every `[screen]` line written so far. */
  readonly screenLines: string[];
  /** `createApp(ctx)`, built on first use. */
  readonly app: App;
  /** `createScreenApp(ctx)`, built on first use. */
  readonly screen: App;
  /** The POS token paired before the test (with `paired: true`). */
  readonly token: string;
  /** The listening server (with `listen: true`). */
  readonly server: Listening;
  /** Opens a pairing window as the installer would and pairs through the API; returns the token. */
  pair(options?: PairOptions): Promise<string>;
  pairPos(registerId?: string): Promise<string>;
  pairTechnician(registerId?: string): Promise<string>;
  /** Destroys this test's context and builds another with these options (paired and listening again as asked). */
  rebuild(options?: UseApiOptions): Promise<void>;
}

const FIXTURE_OPTIONS = ['paired', 'listen', 'perFile', 'unchangedDatabase', 'afterEach'] as const;

interface Built {
  options: UseApiOptions;
  ctx: AppContext;
  clock: ManualClock;
  screenLines: string[];
  app?: App;
  screen?: App;
  token?: string;
  server?: Listening;
  snapshot?: DbSnapshot;
}

/**
 * The test fixture of the HTTP tests: a context built by the real composition root (in-memory
 * database, manual clock, captured screen) before each test, or once with `perFile`, and destroyed
 * after it, with its app, screen app, paired POS and listening server as asked. Call it inside a
 * describe block; read its fields only inside tests and hooks. `options` may be a function, to build
 * fresh collaborators (a held host, a reader) for every context.
 */
export function useApi(options: UseApiOptions | (() => UseApiOptions) = {}): Api {
  let built: Built | undefined;
  const current = (): Built => {
    if (!built) throw new Error('useApi: the context exists only inside a test or a hook after its setup');
    return built;
  };
  const appOf = (b: Built): App => (b.app ??= createApp(b.ctx));

  const setUp = async (opts: UseApiOptions): Promise<void> => {
    const contextOptions: UseApiOptions = { ...opts };
    for (const own of FIXTURE_OPTIONS) delete contextOptions[own];
    const { ctx, clock, screenLines } = testContext(contextOptions);
    const b: Built = { options: opts, ctx, clock, screenLines };
    built = b;
    if (opts.paired) b.token = await pair(appOf(b), ctx, { registerId: 'till-1' });
    if (opts.listen) b.server = await listenOnLoopback(appOf(b));
    if (opts.unchangedDatabase) b.snapshot = dbSnapshot(ctx.db);
  };
  const tearDown = async (): Promise<void> => {
    const b = built;
    built = undefined;
    if (!b) return;
    await b.server?.close();
    b.ctx.destroy();
  };
  const resolved = (): UseApiOptions => (typeof options === 'function' ? options() : options);

  const api: Api = {
    get ctx() {
      return current().ctx;
    },
    get clock() {
      return current().clock;
    },
    get screenLines() {
      return current().screenLines;
    },
    get app() {
      return appOf(current());
    },
    get screen() {
      const b = current();
      return (b.screen ??= createScreenApp(b.ctx));
    },
    get token() {
      const { token } = current();
      if (token === undefined) throw new Error('useApi: no token; pass { paired: true }');
      return token;
    },
    get server() {
      const { server } = current();
      if (!server) throw new Error('useApi: no server; pass { listen: true }');
      return server;
    },
    pair: (pairOptions) => pair(api.app, api.ctx, pairOptions),
    pairPos: (registerId = 'till-1') => api.pair({ registerId }),
    pairTechnician: (registerId = 'tech-1') => api.pair({ registerId, role: 'technician' }),
    rebuild: async (next) => {
      const { paired, listen, unchangedDatabase, afterEach: after } = current().options;
      await tearDown();
      await setUp({ paired, listen, unchangedDatabase, afterEach: after, ...next });
    },
  };

  const perFile = typeof options === 'function' ? false : options.perFile === true;
  const check = async () => {
    if (!built) return;
    const { options: opts, snapshot } = built;
    if (opts.afterEach) await opts.afterEach(api);
    if (snapshot) expect(dbSnapshot(built.ctx.db)).toEqual(snapshot);
  };
  if (perFile) {
    beforeAll(() => setUp(resolved()));
    afterAll(tearDown);
  } else {
    beforeEach(() => setUp(resolved()));
    afterEach(async () => {
      try {
        await check();
      } finally {
        await tearDown();
      }
    });
  }
  return api;
}
