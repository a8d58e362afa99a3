/**
 * The contracts page and a contract page in a real browser, signed in as a requester (bearer
 * header until sessions land): phone and desktop, light and dark, no horizontal scrolling, no
 * console errors under the strict CSP, zero serious or critical axe violations. Screenshots are
 * kept in docs/screenshots for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, scrollWidth } from './support/browser';
import { purchase, startHarness, type Harness } from './support/harness';
import { REQUESTER } from './support/people';

const maybe = browserTest('contracts-browser');
const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

let h: Harness | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await h?.close();
}, 60_000);

maybe('the contracts search and a contract page read well on a phone and a desktop, light and dark', async () => {
  h = await startHarness({ stack: { seedContracts: true } });
  browser = await launchBrowser();
  const api = h.api.as(REQUESTER.email);
  const acme = (await api.call('GET', '/contracts?q=acme')).body.items[0];
  const submitted = await api.submit(purchase({ title: 'Rugged tablets for inspectors', method: { type: 'cooperative', contractId: acme.id } }));
  await h.api.waitForStatus(submitted.body.id, 'PENDING_APPROVAL');
  const headers = await api.authorization('GET', '/contracts');
  mkdirSync(SHOTS, { recursive: true });

  for (const device of ['phone', 'desktop'] as const) {
    for (const dark of [false, true]) {
      const context = await openContext(browser, { device, dark, extraHTTPHeaders: headers });
      const page = await context.newPage();
      const errors = collectErrors(page);
      const suffix = `${device}${dark ? '-dark' : ''}`;

      const list = await page.goto(`${h.stack.apiUrl}/contracts?active=true`, { waitUntil: 'load' });
      expect(list?.status()).toBe(200);
      expect(await page.locator('ul.contracts > li').count()).toBe(5);
      expect(await page.getByRole('link', { name: /^Use in a new request/ }).count()).toBe(5);
      expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('Contracts');
      expect(await scrollWidth(page)).toBeLessThanOrEqual(page.viewportSize()!.width);
      expect((await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `contracts-${suffix}.png`), fullPage: true });

      await page.getByRole('link', { name: 'Acme Mobility', exact: true }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').textContent()).toBe('Acme Mobility NCPA 01-97');
      expect(await page.locator('.checks').textContent()).toMatch(/verified by Jordan Blake on \d{4}-\d{2}-\d{2}/);
      expect(await page.locator('ul.uses').textContent()).toContain('Rugged tablets for inspectors');
      expect(await scrollWidth(page)).toBeLessThanOrEqual(page.viewportSize()!.width);
      expect((await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `contract-${suffix}.png`), fullPage: true });

      expect(errors).toEqual([]);
      await context.close();
    }
  }
}, 400_000);
