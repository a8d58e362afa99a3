/**
 * The request page in a real browser (Debian's Chromium), phone and desktop, light and dark: the
 * requester opens their request, the route is drawn (svg) with its text alternative, nothing
 * overflows a phone, axe finds no serious or critical violation, and after the first approver
 * approves from the emailed link the drawing moves on to the next step. Screenshots are kept in
 * docs/screenshots for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, scrollWidth } from './support/browser';
import { approvalLink, decide, purchase, startHarness, type Harness } from './support/harness';
import { REQUESTER } from './support/people';

const SHOTS = join(process.cwd(), 'docs', 'screenshots');
const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const test = browserTest('request-page-browser');

let h: Harness | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const serious = (violations: Awaited<ReturnType<typeof accessibilityViolations>>) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
/** Each drawn node's state, `*` marking the current one. */
const nodeClasses = (page: Page) => page.locator('svg g.node').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-state')}${n.classList.contains('current') ? '*' : ''}`));

test('the requester follows the route on phone and desktop, light and dark; an approval moves it on', async () => {
  h = await startHarness();
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
  const title = 'Benches for Riverside Park';
  const cooperative = { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true };
  const submitted = await h.api.submit(purchase({ title, amount: 15000, vendor: { name: 'Bench Makers Ltd' }, method: cooperative }));
  expect(submitted.status).toBe(202);
  const { id, number } = submitted.body as { id: string; number: string };
  const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title)));
  const headers = await h.api.as(REQUESTER.email).authorization('GET', `/requests/${id}`);

  for (const device of ['phone', 'desktop'] as const) {
    for (const dark of [false, true]) {
      const context = await openContext(browser, { device, dark, extraHTTPHeaders: headers });
      const page = await context.newPage();
      const errors = collectErrors(page);
      const response = await page.goto(`${h.stack.apiUrl}/requests/${number}`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      await expect(page.title()).resolves.toContain(number);
      const svg = page.locator('svg[role="img"]');
      await svg.waitFor({ state: 'visible' });
      expect(await svg.getAttribute('aria-labelledby')).toBe('route-heading route-summary');
      expect(await nodeClasses(page)).toEqual(['done', 'done', 'waiting*', 'not-yet']);
      expect(await page.locator('.route-text li[aria-current="step"]').textContent()).toContain('Dana Ortiz');
      // The stylesheet applied under the CSP: the drawing is scaled to the column, not 340 px of raw units.
      const box = (await svg.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(device === 'phone' ? 390 : 640);
      if (device === 'phone') expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
      expect(serious(await accessibilityViolations(page))).toEqual([]);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `request-page-${device}${dark ? '-dark' : ''}.png`), fullPage: true });
      await context.close();
    }
  }

  // The department head approves from the emailed link; the page's route moves to the next step.
  expect((await decide(link, { decision: 'approve', comment: 'Cooperative contract checked.' })).status).toBe(200);
  await h.api.waitForCheckpoint(id, 1, 'pending');
  const context = await openContext(browser, { device: 'phone', extraHTTPHeaders: headers });
  const page = await context.newPage();
  await page.goto(`${h.stack.apiUrl}/requests/${id}`, { waitUntil: 'load' });
  expect(await nodeClasses(page)).toEqual(['done', 'done', 'done', 'waiting*']);
  expect(await page.locator('.route-text li').nth(2).textContent()).toMatch(/Approved on .*UTC/);
  expect(await page.locator('.timeline').textContent()).toContain('Cooperative contract checked.');
  await page.screenshot({ path: join(SHOTS, 'request-page-phone-after-approval.png'), fullPage: true });
  await context.close();
}, 180_000);
