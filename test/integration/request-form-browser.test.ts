/**
 * The new-request form in a real browser (Debian's Chromium, no script on the page, the strict CSP
 * in force): a requester on a phone fills it in, previews "What will happen", and submits; a form
 * with mistakes comes back with the summary and the fields marked. On phone and desktop, light and
 * dark, nothing scrolls sideways and axe-core finds no serious or critical violation. Screenshots
 * go to docs/screenshots/new-request-*.png for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, scrollWidth } from './support/browser';
import { startHarness, type Harness } from './support/harness';
import { REQUESTER } from './support/people';

const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const it = browserTest('request-form-browser');

let h: Harness | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await h?.close();
}, 60_000);

/** Script errors and CSP violations; a status the test itself asked for (the 400 form) is no error. */
const realErrors = (errors: string[]) => errors.filter((e) => !/^Failed to load resource: the server responded with a status of/.test(e));

const shot = async (page: Page, name: string) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
};

const seriousViolations = async (page: Page) =>
  (await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');

it('a requester fills the form on a phone, previews what will happen and submits; every view is accessible in light and dark', async () => {
  h = await startHarness();
  browser = await launchBrowser();
  const headers = { authorization: `Bearer ${await h.api.tokenFor(REQUESTER.email)}` };
  const formUrl = `${h.stack.apiUrl}/requests/new`;

  // The empty form in each of the four looks.
  for (const device of ['phone', 'desktop'] as const) {
    for (const dark of [false, true]) {
      const context = await openContext(browser, { device, dark, extraHTTPHeaders: headers });
      const page = await context.newPage();
      const errors = collectErrors(page);
      const response = await page.goto(formUrl);
      expect(response?.status()).toBe(200);
      await page.getByRole('heading', { name: 'New purchase request' }).waitFor();
      expect(await scrollWidth(page)).toBeLessThanOrEqual(device === 'phone' ? 390 : 1280);
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, `new-request-${device}${dark ? '-dark' : ''}`);
      expect(realErrors(errors)).toEqual([]);
      await context.close();
    }
  }

  // A phone, light: fill in, preview, submit.
  const context = await openContext(browser, { device: 'phone', extraHTTPHeaders: headers });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(formUrl);

  // Mistakes first: no title, an amount that is no number.
  await page.getByLabel('Amount in US dollars').first().fill('a lot');
  await page.getByRole('button', { name: 'Preview what will happen' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  expect(await page.locator('#f-title').getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('#f-amount').inputValue()).toBe('a lot');
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, 'new-request-errors-phone');
  // The summary's link takes the person to the field.
  await page.locator('.rf-summary a[href="#f-title"]').click();
  expect(page.url()).toMatch(/#f-title$/);

  await page.locator('#f-title').fill('Handheld ticket writers');
  await page.locator('#f-description').fill('Replace 40 handhelds for parking enforcement');
  await page.locator('#f-amount').fill('120,000');
  await page.locator('#f-category').selectOption('goods');
  await page.locator('#f-vendor').fill('Acme Mobility');
  await page.getByLabel('Local').check();
  await page.getByLabel('Cooperative contract').check();
  // With :has() the chosen method's section is the only one on screen.
  expect(await page.locator('#rf-section-cooperative').isVisible()).toBe(true);
  expect(await page.locator('#rf-section-emergency').isVisible()).toBe(false);
  await page.locator('#f-cooperative-alliance').fill('NCPA');
  await page.locator('#f-cooperative-contractNumber').fill('01-97');
  await page.locator('#f-cooperative-expires').fill('2028-06-30');
  await page.locator('#f-cooperative-scopeCovers').check();

  await page.getByRole('button', { name: 'Preview what will happen' }).click();
  const preview = page.locator('.rf-preview');
  await preview.waitFor();
  const text = (await preview.textContent()) ?? '';
  expect(text).toContain('It would go to 4 approvers');
  expect(text).toContain('Dana Ortiz');
  expect(text).toMatch(/Tier: formal/);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, 'new-request-preview-phone');

  const before = await h.api.countRequests();
  await Promise.all([
    page.waitForURL(/\/requests\/[0-9A-Z]{26}$/),
    preview.getByRole('button', { name: 'Submit this request' }).click(),
  ]);
  const id = page.url().split('/').pop()!;
  expect(await h.api.countRequests()).toBe(before + 1);
  const stored = await h.api.as(REQUESTER.email).get(id);
  expect(stored.body.request).toMatchObject({ title: 'Handheld ticket writers', amount: 120000, department: 'Public Works', method: { type: 'cooperative', scopeCovers: true } });
  expect(realErrors(errors)).toEqual([]);
  await context.close();

  // The preview in dark mode, on a desktop, for the README.
  const dark = await openContext(browser, { device: 'desktop', dark: true, extraHTTPHeaders: headers });
  const darkPage = await dark.newPage();
  await darkPage.goto(`${formUrl}?from=${id}`);
  await darkPage.getByRole('button', { name: 'Preview what will happen' }).click();
  await darkPage.locator('.rf-preview').waitFor();
  expect(await seriousViolations(darkPage)).toEqual([]);
  await shot(darkPage, 'new-request-preview-desktop-dark');
  await dark.close();
}, 480_000);
