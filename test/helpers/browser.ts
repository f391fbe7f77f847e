import { chromium, type Browser, type Page } from 'playwright-core';

// The terminal's screen page in Debian's Chromium, driven by playwright-core (the browser tests).

export const CHROMIUM = '/usr/bin/chromium';

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
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
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
