/**
 * The approval page with line items and a suspected split, in a real browser: on a phone and a
 * desktop, light and dark, the Lines section and the earlier request are on screen, nothing
 * scrolls sideways, and axe finds no serious or critical violation. Screenshots are kept in
 * docs/screenshots/approval-lines-*.png for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, scrollWidth } from './support/browser';
import { approvalLink, purchase, startHarness, type Harness } from './support/harness';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const maybe = browserTest('lines-browser');
let h: Harness | undefined;
let browser: Browser | undefined;

jest.setTimeout(120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

maybe('the lines and the earlier request of a split fit a phone and a desktop, light and dark', async () => {
  h = await startHarness();
  browser = await launchBrowser();
  const vendor = 'Riverside Outdoor Furniture';
  const first = await h.api.submit(purchase({ title: 'Picnic tables for Riverside Park', amount: 3200, vendor: { name: vendor } }));
  expect(first.status).toBe(202);
  await h.api.waitForStatus(first.body.id, 'PENDING_APPROVAL');

  const title = 'Benches and bins for Riverside Park';
  const lines = [
    { description: 'Park bench, recycled plastic, 6 ft', quantity: 4, unitPrice: 450, account: '101-21-5200' },
    { description: 'Litter bin with rain hood', quantity: 3, unitPrice: 310.25, account: '101-21-5200' },
    { description: 'Delivery and anchoring to concrete pads, hours', quantity: 6.5, unitPrice: 85, account: '101-21-6100' },
  ];
  const quotes = { type: 'quotes', quotes: [{ vendor, amount: 3283.25 }, { vendor: 'Parkside Supply', amount: 3410 }, { vendor: 'Civic Site Co', amount: 3522 }] };
  const { amount: _amount, ...body } = purchase({ title, vendor: { name: vendor }, lines, method: quotes });
  const second = await h.api.submit(body);
  expect(second.status).toBe(202);
  await h.api.waitForStatus(second.body.id, 'PENDING_APPROVAL');
  const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title)));

  const dir = join(process.cwd(), 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  for (const device of ['phone', 'desktop'] as const) {
    for (const dark of [false, true]) {
      const context = await openContext(browser, { device, dark });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(link);
      await page.getByRole('heading', { name: 'Lines' }).waitFor();
      expect(await page.getByText('101-21-6100').isVisible()).toBe(true);
      expect(await page.getByRole('list', { name: 'Earlier requests' }).isVisible()).toBe(true);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(device === 'phone' ? 390 : 1280);
      expect((await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(dir, `approval-lines-${device}${dark ? '-dark' : ''}.png`), fullPage: true });
      await context.close();
    }
  }
});
