/**
 * The approval page with documents and quotes in a real browser: the approver sees the quotes
 * table (the selected one marked, a warning that it is not the lowest and no reason is given) and
 * the documents with their SHA-256, and the download link fetches the file as an attachment.
 * No horizontal scrolling on a phone, no serious or critical accessibility finding; screenshots
 * (phone and desktop, light and dark) are kept for a person to look at.
 */
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, screenshot, scrollWidth } from './support/browser';
import { approvalLink, purchase, startHarness, type Harness } from './support/harness';
import { withDocuments } from './support/documents';
import type { Browser } from 'playwright-core';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const maybe = browserTest('approval-documents-browser');

let h: Harness | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

maybe('the approver sees the quotes and opens the documents from the approval page, on a phone and a desktop', async () => {
  h = await startHarness();
  browser = await launchBrowser();
  const title = 'Patrol radio batteries';
  const body = await withDocuments(h.api, purchase({
    title, amount: 6200, vendor: { name: 'Volt Partners' }, category: 'goods',
    method: { type: 'quotes', quotes: [{ vendor: 'Volt Partners', amount: 6200 }, { vendor: 'Cell Depot', amount: 6000 }, { vendor: 'PowerHouse Ltd', amount: 6450 }] },
  }));
  const submitted = await h.api.submit(body);
  expect(submitted.status).toBe(202);
  const link = approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title)));

  for (const [device, dark] of [['phone', false], ['phone', true], ['desktop', false], ['desktop', true]] as const) {
    const context = await openContext(browser, { device, dark });
    const page = await context.newPage();
    const errors = collectErrors(page);
    expect((await page.goto(link, { waitUntil: 'load' }))?.status()).toBe(200);

    const quotes = page.locator('table.quotes');
    await expect(quotes.locator('tr.selected th').textContent()).resolves.toContain('Volt Partners');
    await expect(page.locator('.warning').textContent()).resolves.toContain('is not the lowest quote ($6,000.00)');
    const documents = page.locator('ul.documents li');
    expect(await documents.count()).toBe(3);
    await expect(documents.first().textContent()).resolves.toMatch(/Written quote · application\/pdf · \d+ bytes/);

    if (device === 'phone' && !dark) {
      const href = await documents.first().locator('a').getAttribute('href');
      const download = await fetch(href!);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    }
    expect(await scrollWidth(page)).toBeLessThanOrEqual(device === 'phone' ? 390 : 1280);
    expect((await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, `approval-documents-${device}${dark ? '-dark' : ''}`);
    await context.close();
  }
}, 300_000);
