import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describeIf } from './needs';
import { cleanupEposd, ROOT, startEposd, type EposdProcess } from './process';
import { pairWithScreenCode } from './terminal';
import { onPath } from './programs';

// The terminal's screen page in Chromium, driven by playwright-core (the browser tests): the Chromium of
// the npm registry's @sparticuz/chromium, which global-setup extracts with scripts/chromium.mjs; where it
// could not be (another processor), Debian's chromium; without either, the browser tests are skipped.

const NPM_CHROMIUM = join(ROOT, 'node_modules', '.cache', 'chromium');

const executable = (): { path: string; env: Record<string, string> } | undefined => {
  if (existsSync(join(NPM_CHROMIUM, 'chromium'))) return { path: join(NPM_CHROMIUM, 'chromium'), env: { FONTCONFIG_FILE: join(NPM_CHROMIUM, 'fonts.conf') } };
  const debian = onPath('chromium');
  return debian === undefined ? undefined : { path: debian, env: {} };
};
const CHROMIUM = executable();

/** `describe` for a browser test: skipped, and named at the end of the run, when there is no Chromium. */
export const describeInBrowser = describeIf(CHROMIUM !== undefined, 'chromium');

/** Where the browser tests keep their screenshots (git-ignored). */
export const SCREENS = join(ROOT, 'test-output', 'screens');

/** The screen's root element while it shows `prompt`. */
export const onPrompt = (prompt: string) => `[data-testid="screen"][data-prompt="${prompt}"]`;

/** The text of the element with that test id, its white space collapsed. */
export const textOf = async (page: Page, testId: string) => (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();

/** Run in the page (a string: this project's TypeScript has no DOM types); resolves once every finite animation has ended. */
export const FINITE_ANIMATIONS_DONE = `Promise.all(document.getAnimations()
  .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
  .map((a) => a.finished.catch(() => undefined)))`;

export interface ScreenBrowser {
  browser: Browser;
  page: Page;
  /** Script errors and refused resources seen on the page. */
  pageErrors: string[];
}

/** Opens the screen at `url` headless, at the size the screenshots are taken at, with motion reduced. */
export async function openScreenPage(url: string): Promise<ScreenBrowser> {
  mkdirSync(SCREENS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM!.path,
    env: { ...process.env, ...CHROMIUM!.env },
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
  await page.goto(url);
  return { browser, page, pageErrors };
}

/** A screenshot into SCREENS once the screen has settled: its finite animations (receipt feed, tick) at their end. */
export async function settledScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(FINITE_ANIMATIONS_DONE);
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
}

/** A real eposd and Chromium on its screen page, for one describe block (useScreenInBrowser). */
export interface ScreenInBrowser extends ScreenBrowser {
  eposd: EposdProcess;
  /** The token of the POS paired at the start (registerId given), or of one a test pairs. */
  token: string;
}

/**
 * Before the block's tests, a real eposd with its reader in manual mode (unless `env` says otherwise)
 * and Chromium on its screen page, a POS paired as `registerId` when one is named; after them, both gone.
 */
export function useScreenInBrowser(env: NodeJS.ProcessEnv, registerId?: string): ScreenInBrowser {
  const s = { pageErrors: [] as string[] } as ScreenInBrowser;
  beforeAll(async () => {
    s.eposd = await startEposd({ env: { EPOSD_SIM_MODE: 'manual', ...env } });
    if (registerId) s.token = (await pairWithScreenCode(s.eposd, { registerId })).authToken;
    Object.assign(s, await openScreenPage(s.eposd.screenUrl));
  }, 60_000);
  afterAll(async () => {
    await s.browser?.close();
    await cleanupEposd();
  });
  return s;
}
