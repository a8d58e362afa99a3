/**
 * Documents attached on the new-request form in a real browser (issue 11): a requester signed in
 * through a real session attaches one PDF per quote, a sole source's memo and a piggyback's
 * contract and award; the form's script declares each with POST /documents (session and form
 * token), PUTs it to the bucket across origins (CORS allows the app's origin only) and the form
 * submits the ids. Over the API each document's SHA-256, computed here from the bytes sent, is on
 * the audit trail, and the approver's page lists the files. The policy requires these documents
 * (documents-city), so a missing one would have come back RETURNED. Also: a file of the wrong
 * type is refused beside its field; without JavaScript the form says attaching needs it and
 * everything else still submits; a session upload without the form token is refused.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { documentsCity } from '../fixtures/policies';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, scrollWidth } from './support/browser';
import { approvalLink, openLink, startHarness, type Harness } from './support/harness';
import { personByEmail, REQUESTER } from './support/people';

const DANA = personByEmail('dana.ortiz@sample-city.example')!; // head of Public Works: first approver of Ana's requests
const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const it = browserTest('form-uploads-browser');

let h: Harness;
let browser: Browser;
let api: string;
beforeAll(async () => {
  h = await startHarness({ extraPolicies: [documentsCity] });
  api = h.stack.apiUrl;
  browser = await launchBrowser();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
}, 60_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const seriousViolations = async (page: Page) =>
  (await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
/** Script errors and CSP violations; a status the test itself provoked is no error. */
const realErrors = (errors: string[]) => errors.filter((e) => !/^Failed to load resource: the server responded with a status of/.test(e));
const shot = async (page: Page, name: string) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
};

/** A fresh browser signed in as Ana through the local provider, on the new-request form. */
const signedIn = async (device: 'phone' | 'desktop'): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await openContext(browser, { device });
  const page = await context.newPage();
  await page.goto(`${api}/sign-in?${new URLSearchParams({ next: '/requests/new' })}`);
  await page.waitForURL((url) => url.href.startsWith(h.stack.issuer) && url.pathname.startsWith('/interaction/'));
  await page.getByRole('button', { name: new RegExp(REQUESTER.name) }).click();
  await page.waitForURL(`${api}/requests/new`);
  return { context, page };
};

/** Attaches `bytes` as `name` in the place `slot` (its element id) and waits for it to be listed. */
const attach = async (page: Page, slot: string, name: string, bytes: Buffer, mimeType = 'application/pdf') => {
  const listed = page.locator(`#${slot} .doc-list li`);
  const before = await listed.count();
  await page.locator(`#${slot}-file`).setInputFiles({ name, mimeType, buffer: bytes });
  await listed.nth(before).waitFor();
  expect(await page.locator(`#${slot} .doc-status`).textContent()).toBe(`${name} attached.`);
};

const fillCommon = async (page: Page, title: string, method: string, vendor: string) => {
  await page.locator('#f-policy').selectOption('documents-city');
  await page.locator('#f-title').fill(title);
  await page.locator('#f-amount').fill('15,000');
  await page.locator('#f-category').selectOption('goods');
  await page.locator('#f-vendor').fill(vendor);
  await page.getByLabel('Local').check();
  await page.locator(`#f-method-${method}`).check();
};

/** Submits the form; returns the new request's id once it waits for its first approver. */
const submit = async (page: Page): Promise<string> => {
  await Promise.all([page.waitForURL(/\/requests\/[0-9A-Z]{26}$/), page.getByRole('button', { name: 'Submit request' }).click()]);
  const id = page.url().split('/').pop()!;
  await h.api.waitForStatus(id, 'PENDING_APPROVAL');
  return id;
};

/** The documents the `request-submitted` event recorded. */
const recorded = async (id: string): Promise<any[]> =>
  (await h.api.as(REQUESTER.email).audit(id)).body.events.find((e: any) => e.type === 'request-submitted').data.documents;

const approvalPageOf = async (title: string) => openLink(approvalLink(await h.mail.waitFor(DANA.email, new RegExp(title))));

it('a quote-based request with one PDF per quote: hashes on the audit trail, listed for the approver; screenshots, no serious accessibility problem', async () => {
  for (const device of ['phone', 'desktop'] as const) {
    const { context, page } = await signedIn(device);
    const errors = collectErrors(page);
    const title = `Park benches on ${device}`;
    const vendor = `Bench Makers ${device}`;
    await fillCommon(page, title, 'quotes', vendor);
    const quotes = [
      { vendor, amount: '15,000', file: `Bench Makers quote ${device}.pdf` },
      { vendor: 'Park Supply Co', amount: '16,200', file: `Park Supply quote ${device}.pdf` },
      { vendor: 'Urban Furniture', amount: '17,900', file: `Urban Furniture quote ${device}.pdf` },
    ];
    const bytes = quotes.map((q) => pdf(q.file));
    for (const [i, q] of quotes.entries()) {
      await page.locator(`#f-quotes-${i}-vendor`).fill(q.vendor);
      await page.locator(`#f-quotes-${i}-amount`).fill(q.amount);
      await attach(page, `doc-quotes-${i}-document`, q.file, bytes[i]!);
      // One file per quote: its picker goes once the quote has one.
      expect(await page.locator(`#doc-quotes-${i}-document .doc-pick`).isHidden()).toBe(true);
    }
    // A general attachment, then removed again: it must not reach the request.
    await attach(page, 'doc-documents', 'spec sheet.pdf', pdf('spec'));
    await page.getByRole('button', { name: 'Remove spec sheet.pdf' }).click();
    expect(await page.locator('#doc-documents .doc-list li').count()).toBe(0);
    // A file of a kind the form does not take is refused beside its place, before anything is sent.
    await page.locator('#doc-documents-file').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<p>hi</p>') });
    await page.locator('#doc-documents .field-error').waitFor();
    expect(await page.locator('#doc-documents .field-error').textContent()).toContain('page.html is not a kind of file this form takes');

    // Preview keeps the attachments (hidden fields), and sees the documents the policy asks for.
    await page.getByRole('button', { name: 'Preview what will happen' }).click();
    await page.locator('.rf-preview').waitFor();
    expect(await page.locator('.rf-preview').textContent()).toContain('It would go to');
    for (const q of quotes) expect(await page.locator('.doc-list').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(q.file)]));
    expect(await scrollWidth(page)).toBeLessThanOrEqual(device === 'phone' ? 390 : 1280);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('#rf-section-quotes').scrollIntoViewIfNeeded();
    await shot(page, `request-form-documents-${device}`);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, `request-form-documents-${device}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });

    const id = await submit(page);
    const stored = (await h.api.as(REQUESTER.email).get(id)).body.request;
    expect(stored.method.quotes.map((q: any) => typeof q.document)).toEqual(['string', 'string', 'string']);
    expect(stored.documents).toBeUndefined();
    const documents = await recorded(id);
    expect(documents.map((d: any) => [d.filename, d.purpose, d.sha256])).toEqual(quotes.map((q, i) => [q.file, 'quote', sha256(bytes[i]!)]));
    const approval = await approvalPageOf(title);
    for (const q of quotes) expect(approval.html).toContain(q.file);
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  }
}, 300_000);

it('a sole source with its memo and a piggyback with its contract and award', async () => {
  const { context, page } = await signedIn('desktop');
  const errors = collectErrors(page);

  const memo = pdf('sole source memo');
  await fillCommon(page, 'Sole-source pump parts', 'sole-source', 'Pump Originals Inc');
  await page.locator('#f-sole-source-ground-single-source').check();
  await page.locator('#f-sole-source-justification').fill('Only the original maker supplies parts for the 1998 pumps.');
  await attach(page, 'doc-sole-source-justification', 'justification memo.pdf', memo);
  const soleSource = await submit(page);
  expect((await recorded(soleSource)).map((d: any) => [d.filename, d.purpose, d.sha256])).toEqual([['justification memo.pdf', 'justification', sha256(memo)]]);
  expect((await approvalPageOf('Sole-source pump parts')).html).toContain('justification memo.pdf');

  await page.goto(`${api}/requests/new`);
  const contract = pdf('piggyback contract');
  const award = pdf('piggyback award');
  await fillCommon(page, 'Piggyback mowers', 'piggyback', 'Mower Fleet LLC');
  await page.locator('#f-piggyback-leadAgency').fill('Orange County');
  await page.locator('#f-piggyback-contractNumber').fill('OC-2025-17');
  await page.locator('#f-piggyback-expires').fill('2028-06-30');
  for (const flag of ['leadAgencyIsPublic', 'scopeCovers', 'competitivelyBid', 'cooperativeLanguage']) await page.locator(`#f-piggyback-${flag}`).check();
  await attach(page, 'doc-piggyback-contract', 'OC contract.pdf', contract);
  await attach(page, 'doc-piggyback-award', 'OC award.pdf', award);
  const piggyback = await submit(page);
  expect((await recorded(piggyback)).map((d: any) => [d.filename, d.purpose, d.sha256])).toEqual([
    ['OC contract.pdf', 'contract', sha256(contract)], ['OC award.pdf', 'award', sha256(award)],
  ]);
  const approval = await approvalPageOf('Piggyback mowers');
  expect(approval.html).toContain('OC contract.pdf');
  expect(approval.html).toContain('OC award.pdf');

  // The session's upload needs the form token: the same call from the form without it is refused.
  await page.goto(`${api}/requests/new`);
  const refused = await page.evaluate(`fetch('/documents', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filename: 'x.pdf', mediaType: 'application/pdf', size: 10, purpose: 'other' }) }).then((r) => r.status)`);
  expect(refused).toBe(403);
  expect(realErrors(errors)).toEqual([]);
  await context.close();
}, 180_000);

it('without JavaScript the form says attaching needs it, and the rest submits', async () => {
  const { context } = await signedIn('phone');
  const cookies = await context.cookies(api);
  await context.close();
  const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  await noScript.addCookies(cookies);
  const page = await noScript.newPage();
  await page.goto(`${api}/requests/new`);
  expect(await page.locator('#doc-documents .doc-nojs').textContent()).toContain('Attaching files needs JavaScript');
  expect(await page.locator('#doc-documents-file').isHidden()).toBe(true);
  await page.locator('#f-title').fill('Toner without script');
  await page.locator('#f-amount').fill('400');
  await page.locator('#f-category').selectOption('goods');
  await page.locator('#f-vendor').fill('Office Depot');
  await page.getByLabel('Local').check();
  await Promise.all([page.waitForURL(/\/requests\/[0-9A-Z]{26}$/), page.getByRole('button', { name: 'Submit request' }).click()]);
  await noScript.close();
}, 120_000);
