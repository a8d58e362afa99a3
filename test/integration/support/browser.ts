/**
 * A real browser for the integration suites: Debian's Chromium through playwright-core, kept off
 * the network, plus an accessibility check (axe-core) and screenshots a person can look at.
 * Without Chromium a browser test fails under CI=true with a clear message and is skipped, with a
 * printed reason, elsewhere.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** `test` when a browser can run (or must, under CI); `test.skip` with a printed reason otherwise. */
export const browserTest = (suite: string): jest.It => {
  if (!chromiumAvailable && !inCi) {
    // eslint-disable-next-line no-console
    console.warn(`${suite}: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); under CI=true this fails`);
    return test.skip;
  }
  return test;
};

export const launchBrowser = async (): Promise<Browser> => {
  if (!chromiumAvailable) {
    throw new Error(`Chromium is required for this test under CI but ${CHROMIUM} does not exist: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
};

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
export const DESKTOP = { viewport: { width: 1280, height: 900 } } as const;

/** A browser context for one person: phone or desktop, light or dark. */
export const openContext = (browser: Browser, options: { device?: 'phone' | 'desktop'; dark?: boolean; extraHTTPHeaders?: Record<string, string> } = {}): Promise<BrowserContext> =>
  browser.newContext({
    ...(options.device === 'desktop' ? DESKTOP : PHONE),
    colorScheme: options.dark ? 'dark' : 'light',
    ...(options.extraHTTPHeaders ? { extraHTTPHeaders: options.extraHTTPHeaders } : {}),
  });

/** Console errors and page errors (a CSP violation shows up here), collected for an assertion. */
export const collectErrors = (page: Page): string[] => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
};

/** axe-core's WCAG 2.1 A/AA violations on the page as it is now: an empty list is the goal. */
export const accessibilityViolations = async (page: Page): Promise<Array<{ id: string; impact: string | null | undefined; nodes: number; help: string }>> => {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
};

/** No horizontal scrolling: everything fits the viewport's width. */
export const scrollWidth = (page: Page): Promise<number> => page.evaluate<number>('document.documentElement.scrollWidth');

/**
 * Saves a full-page screenshot under SCREENSHOT_DIR (default: test-results/screenshots, ignored by
 * git); `npm run screenshots` style tooling copies the chosen ones into docs/.
 */
export const screenshot = async (page: Page, name: string): Promise<string> => {
  const dir = process.env.SCREENSHOT_DIR ?? join(process.cwd(), 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
};
