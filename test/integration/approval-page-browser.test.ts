/**
 * The approval page in a real browser, the way an approver meets it: a phone-sized Chromium
 * opens the link from the email, the amount and vendor are on screen, a tap on Approve posts the
 * form, the recorded page comes back and the request moves on. The strict CSP is in force (the
 * page must work without any script), and a screenshot is kept for a human to look at.
 *
 * Chromium comes from Debian (`apt-get install chromium`, as CI does). Without it the test fails
 * under CI=true with a clear message, and is skipped with a printed reason elsewhere.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { approvalLink, purchase, startHarness, type Harness } from './support/harness';
import { withDocuments } from './support/documents';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const PURCHASING = 'jordan.blake@sample-city.example';

if (!available && !inCi) {
  // eslint-disable-next-line no-console
  console.warn(`approval-page-browser: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); under CI=true this fails`);
}
const maybe = available || inCi ? test : test.skip;

let h: Harness | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

maybe('on a phone (390×844) the page shows amount and vendor; tapping Approve records the decision and the request moves on', async () => {
  if (!available) {
    throw new Error(`Chromium is required for this test under CI but ${CHROMIUM} does not exist: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  h = await startHarness();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  const title = 'Park benches for Riverside';
  const cooperative = { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true };
  const submitted = await h.api.submit(await withDocuments(h.api, purchase({ title, amount: 15000, vendor: { name: 'Bench Makers Ltd' }, method: cooperative })));
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title)));

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: true });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  const response = await page.goto(link, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  await expect(page.title()).resolves.toContain(title);

  const amount = page.locator('.amount').first();
  const vendor = page.getByText('Bench Makers Ltd').first();
  await amount.waitFor({ state: 'visible' });
  expect(await amount.textContent()).toContain('$15,000.00');
  expect(await vendor.isVisible()).toBe(true);
  // Both are inside the phone's width: nothing to scroll sideways for.
  for (const locator of [amount, vendor]) {
    const box = await locator.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  }
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect(scrollWidth).toBeLessThanOrEqual(390);
  // The page's own stylesheet applied under the strict CSP (a blocked <style> leaves the default serif 16px look).
  const approve = page.getByRole('button', { name: /approve/i });
  await approve.scrollIntoViewIfNeeded();
  const approveBox = await approve.boundingBox();
  expect(approveBox!.height).toBeGreaterThanOrEqual(40); // a comfortable tap target
  expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

  const shots = mkdtempSync(join(tmpdir(), 'approval-page-'));
  const screenshot = join(shots, 'approval-page-phone.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  // eslint-disable-next-line no-console
  console.log(`approval page screenshot: ${screenshot}`);

  await page.locator('#comment').fill('Looks right; cooperative contract checked.');
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === link),
    approve.tap(),
  ]);
  expect(posted.status()).toBe(200);
  await page.locator('h2').filter({ hasText: /Approved by Dana Ortiz/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
  expect(await page.locator('body').textContent()).toMatch(/Decision recorded/);
  await page.screenshot({ path: join(shots, 'decision-recorded-phone.png'), fullPage: true });

  // The request moved: the first checkpoint is approved and the purchasing agent is asked next.
  const view = await h.api.waitForCheckpoint(id, 1, 'pending');
  expect(view.checkpoints[0]).toMatchObject({ state: 'approved', decidedBy: 'Dana Ortiz', comment: 'Looks right; cooperative contract checked.' });
  await h.mail.waitFor(PURCHASING, new RegExp(title));

  // Reloading the link in the browser now says who decided (no second decision possible).
  const again = await page.goto(link);
  expect(again?.status()).toBe(409);
  expect(await page.locator('body').textContent()).toMatch(/already approved by Dana Ortiz/i);
  // No CSP violation or script error anywhere (the browser's own note about the 409 status aside).
  expect(consoleErrors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  await context.close();
}, 120_000);
