/**
 * The registry on the new-request form, in a real browser (no script on the page, the strict CSP
 * in force), against the seeded demo registry: a requester searches the contracts by supplier,
 * opens "Use in a new request", sees the contract's verified facts instead of the yes/no
 * questions, submits, and the request routes with the registry's checks, which the approver sees
 * on the approval page. A registered contract whose scope does not cover the purchase, found with
 * the form's own "Find" box, is RETURNED with the reason. Phone and desktop, light and dark: no
 * sideways scrolling, zero serious or critical axe violations; screenshots in docs/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, scrollWidth } from './support/browser';
import { approvalLink, purchase, startHarness, type Harness } from './support/harness';
import { withDocuments } from './support/documents';
import { PURCHASING, REQUESTER } from './support/people';

const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const it = browserTest('registry-form-browser');

let h: Harness | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await h?.close();
}, 60_000);

const shot = async (page: Page, name: string) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
};

const seriousViolations = async (page: Page) =>
  (await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');

it('a requester finds a contract by supplier, picks it and submits with no yes/no questions; an out-of-scope contract is returned with the reason', async () => {
  h = await startHarness({ stack: { seedContracts: true } });
  browser = await launchBrowser();
  const headers = { authorization: `Bearer ${await h.api.tokenFor(REQUESTER.email)}` };
  const api = h.api.as(REQUESTER.email);
  const acme = (await api.call('GET', '/contracts?q=acme')).body.items[0];

  // The form with a chosen contract, in each of the four looks.
  for (const device of ['phone', 'desktop'] as const) {
    for (const dark of [false, true]) {
      const context = await openContext(browser, { device, dark, extraHTTPHeaders: headers });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${h.stack.apiUrl}/contracts`);
      await page.locator('#q').fill('Acme');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/\/contracts\?q=Acme/);
      expect(await page.locator('ul.contracts > li').count()).toBe(1);
      await page.getByRole('link', { name: /Use in a new request/ }).click();
      await page.waitForURL(/\/requests\/new\?contract=/);
      expect(await page.locator('#f-method-cooperative').isChecked()).toBe(true);
      expect(await page.locator(`input[name="cooperative.contractId"][value="${acme.id}"]`).isChecked()).toBe(true);
      expect(await page.locator('#f-vendor').inputValue()).toBe('Acme Mobility');
      const facts = page.locator('#rf-section-cooperative .rfc-facts');
      expect(await facts.isVisible()).toBe(true);
      expect(await facts.textContent()).toMatch(/Awarded through a formal competitive process: yes verified by Jordan Blake on \d{4}-\d{2}-\d{2}/);
      // The yes/no questions about the contract are not asked.
      expect(await page.locator('#f-cooperative-scopeCovers').isVisible()).toBe(false);
      expect(await page.locator('#f-cooperative-contractNumber').isVisible()).toBe(false);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(page.viewportSize()!.width);
      expect(await seriousViolations(page)).toEqual([]);
      await page.locator('#rf-section-cooperative').scrollIntoViewIfNeeded();
      await shot(page, `new-request-contract-${device}${dark ? '-dark' : ''}`);
      expect(errors).toEqual([]);
      await context.close();
    }
  }

  // Desktop, light: fill in the purchase and submit under the chosen contract.
  const context = await openContext(browser, { device: 'desktop', extraHTTPHeaders: headers });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${h.stack.apiUrl}/requests/new?contract=${acme.id}`);
  await page.locator('#f-title').fill('Rugged tablets for building inspectors');
  await page.locator('#f-amount').fill('8,400');
  await page.locator('#f-category').selectOption('technology');
  await page.getByLabel('Local').check();
  await Promise.all([
    page.waitForURL(/\/requests\/[0-9A-Z]{26}$/),
    page.getByRole('button', { name: 'Submit request' }).click(),
  ]);
  const id = page.url().split('/').pop()!;
  const routed = await api.waitForStatus(id, 'PENDING_APPROVAL');
  // Sent as the contract alone: the registry's facts, none typed.
  expect(routed.request.method).toEqual({ type: 'cooperative', contractId: acme.id });
  const checks = routed.method.checks as Array<{ id: string; passed: boolean; detail: string }>;
  expect(checks.every((c) => c.passed)).toBe(true);
  expect(checks.find((c) => c.id === 'competitively-bid')?.detail).toMatch(/verified by Jordan Blake on \d{4}-\d{2}-\d{2}$/);
  expect(routed.flags.map((f: { type: string }) => f.type)).not.toContain('contract-unverified');

  // The first approver sees the verification on the approval page.
  const waiting = await api.waitForCheckpoint(id, 0);
  const approver = waiting.checkpoints[0].approver.email as string;
  const link = approvalLink(await h.mail.waitFor(approver, /Rugged tablets/));
  // The approval link is the approver's own: a browser of theirs, not the requester's.
  const approverContext = await openContext(browser, { device: 'desktop' });
  const approval = await approverContext.newPage();
  expect((await approval.goto(link))?.status()).toBe(200);
  const routing = (await approval.locator('.checks').first().textContent()) ?? '';
  expect(routing).toContain('registered contract: NCPA contract NCPA 01-97 (Acme Mobility)');
  expect(routing).toMatch(/cooperative language|allow use by other agencies/);
  expect(routing).toMatch(/verified by Jordan Blake on \d{4}-\d{2}-\d{2}/);
  await approverContext.close();
  expect(errors).toEqual([]);
  await context.close();

  // A phone: find a piggyback by its lead agency with the form's own "Find", for goods it does not cover.
  const phone = await openContext(browser, { device: 'phone', extraHTTPHeaders: headers });
  const small = await phone.newPage();
  const phoneErrors = collectErrors(small);
  await small.goto(`${h.stack.apiUrl}/requests/new`);
  await small.locator('#f-title').fill('Folding chairs for the library');
  await small.locator('#f-amount').fill('2,500');
  await small.locator('#f-category').selectOption('goods');
  await small.locator('#f-vendor').fill('Harborline Technology');
  await small.getByLabel('Local').check();
  await small.getByLabel('Piggyback on another agency’s contract').check();
  await small.locator('#f-piggyback-contractSearch').fill('key west');
  await small.locator('#rf-section-piggyback').getByRole('button', { name: 'Find' }).click();
  await small.waitForLoadState('load');
  // Everything typed is kept; the list holds what matches.
  expect(await small.locator('#f-title').inputValue()).toBe('Folding chairs for the library');
  const options = small.locator('#rf-section-piggyback .rfc-registered');
  expect(await options.count()).toBe(1);
  await small.getByLabel(/Harborline Technology · KW-2025-117/).check();
  expect(await small.locator('#f-piggyback-competitivelyBid').isVisible()).toBe(false);
  await Promise.all([
    small.waitForURL(/\/requests\/[0-9A-Z]{26}$/),
    small.getByRole('button', { name: 'Submit request' }).click(),
  ]);
  const returnedId = small.url().split('/').pop()!;
  const returned = await api.waitForStatus(returnedId, 'RETURNED');
  const reasons = (returned.reasons as Array<{ message: string; field?: string }>);
  expect(reasons.find((r) => r.field === 'method.contractId')?.message).toMatch(/goods, outside the contract's scope \(technology, services\)/);
  await small.reload();
  expect(await small.locator('main').textContent()).toMatch(/outside the contract's scope/);
  expect(phoneErrors).toEqual([]);
  await phone.close();
}, 480_000);

it('purchasing adds a request\'s unregistered contract to the registry in one step from the approval page', async () => {
  const api = h!.api.as(REQUESTER.email);
  const title = 'Street name signs for Eastside';
  const declared = {
    type: 'piggyback', leadAgency: 'City of Tallahassee', contractNumber: 'TLH-22-9', expires: '2028-01-31',
    leadAgencyIsPublic: true, competitivelyBid: true, cooperativeLanguage: true, scopeCovers: true,
  };
  const submitted = await api.submit(await withDocuments(api, purchase({ title, amount: 9000, category: 'goods', vendor: { name: 'Capital Signs' }, method: declared })));
  const id = submitted.body.id as string;
  const waiting = await api.waitForCheckpoint(id, 0);
  expect(waiting.flags.map((f: { type: string }) => f.type)).toContain('contract-unverified');
  const link = approvalLink(await h!.mail.waitFor(waiting.checkpoints[0].approver.email, new RegExp(title)));

  const approverContext = await openContext(browser!, { device: 'desktop' });
  const approval = await approverContext.newPage();
  await approval.goto(link);
  const register = approval.getByRole('link', { name: 'Purchasing: add this contract to the registry' });
  const href = await register.getAttribute('href');
  expect(href).toBe(`/contracts/new?from=${id}`);
  await approverContext.close();

  const headers = { authorization: `Bearer ${await h!.api.tokenFor(PURCHASING.email)}` };
  for (const device of ['phone', 'desktop'] as const) {
    for (const dark of [false, true]) {
      const context = await openContext(browser!, { device, dark, extraHTTPHeaders: headers });
      const page = await context.newPage();
      const errors = collectErrors(page);
      expect((await page.goto(`${h!.stack.apiUrl}${href}`))?.status()).toBe(200);
      expect(await page.locator('#c-vehicle-piggyback').isChecked()).toBe(true);
      expect(await page.locator('#c-leadAgency').inputValue()).toBe('City of Tallahassee');
      expect(await page.locator('#c-number').inputValue()).toBe('TLH-22-9');
      expect(await page.locator('#c-supplier').inputValue()).toBe('Capital Signs');
      expect(await page.locator('#c-fact-competitivelyBid').isChecked()).toBe(true);
      expect(await page.locator('#c-fact-cooperativeLanguage').isChecked()).toBe(true);
      // Not declared by the requester: left for purchasing to confirm or not.
      expect(await page.locator('#c-fact-procuredUnder2CFR200').isChecked()).toBe(false);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(page.viewportSize()!.width);
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, `contract-register-${device}${dark ? '-dark' : ''}`);
      expect(errors).toEqual([]);
      await context.close();
    }
  }

  // Purchasing checks the facts against the documents, adds the term's start, and registers.
  const context = await openContext(browser!, { device: 'desktop', extraHTTPHeaders: headers });
  const page = await context.newPage();
  await page.goto(`${h!.stack.apiUrl}${href}`);
  await page.locator('#c-termStart').fill('2024-02-01');
  await Promise.all([
    page.waitForURL(/\/contracts\/[0-9A-Z]{26}$/),
    page.getByRole('button', { name: 'Register the contract' }).click(),
  ]);
  expect(await page.locator('h1').textContent()).toBe('Capital Signs TLH-22-9');
  expect(await page.locator('.checks').textContent()).toMatch(new RegExp(`Solicitation and contract allow use by other agencies: yes verified by ${PURCHASING.name} on \\d{4}-\\d{2}-\\d{2}`));
  const found = (await api.call('GET', '/contracts?q=tallahassee')).body.items;
  expect(found.map((c: { number: string }) => c.number)).toEqual(['TLH-22-9']);
  await context.close();
}, 300_000);
