/**
 * The product end to end in a real browser, the way its people use it (issue 10, item 9): a
 * requester on a desktop signs in through the local provider, fills the new-request form, previews
 * "What will happen" and submits; each approver opens the link from their email on a phone, signs in
 * as themselves (the policy asks for it above $10,000) and decides; after each decision the
 * requester's request page draws the route changed, until it says Approved and the outcome email
 * links to it. Then a rejection with its reason, and a returned request fixed with "Copy and fix".
 * Every page passed through is scanned with axe-core: no serious or critical violation.
 *
 * Nothing waits for time: the test waits for mail in the inbox, for the audit trail, and for
 * what a page shows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sampleCity } from '../fixtures/policies';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, scrollWidth } from './support/browser';
import { approvalLink, startHarness, type Harness, type Mail } from './support/harness';
import { personByEmail, PURCHASING, REQUESTER } from './support/people';

/** Sample City's policy, with deciding above $10,000 taking a sign-in (issue 9, item 5). */
const JOURNEY_POLICY = { ...sampleCity(), id: 'journey-city', approvals: { signInRequiredAbove: 10000 } };
const DANA = personByEmail('dana.ortiz@sample-city.example')!; // head of Public Works: first approver of Ana's requests
const JORDAN = personByEmail('jordan.blake@sample-city.example')!; // purchasing agent: reviews every informal purchase
/**
 * Three written quotes, the chosen vendor's in the middle. Each purchase names its own vendor: the
 * policy adds up a department's recent purchases from one vendor (splitting), and the journeys'
 * $12,000 purchases from one vendor would together be a formal purchase.
 */
const quotesWith = (vendor: string) => [
  { vendor: 'Acme Office Supply', amount: '11,400' },
  { vendor, amount: '12,000' },
  { vendor: 'Civic Interiors', amount: '12,950' },
];

const it = browserTest('journey-browser');
const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

let h: Harness;
let browser: Browser;
let api: string;
/** The requester's own browser (desktop), signed in once for the whole journey. */
let requester: Promise<{ context: BrowserContext; page: Page; errors: string[] }> | undefined;

beforeAll(async () => {
  h = await startHarness({ extraPolicies: [JOURNEY_POLICY] });
  api = h.stack.apiUrl;
  browser = await launchBrowser();
}, 90_000);
afterAll(async () => {
  await (await requester)?.context.close();
  await browser?.close();
  await h?.close();
}, 60_000);

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Script errors and CSP violations; a status the product answers on purpose (a 4xx page) is none. */
const realErrors = (errors: string[]) => errors.filter((e) => !/^Failed to load resource: the server responded with a status of/.test(e));

const seriousViolations = async (page: Page) =>
  (await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** On the local provider's sign-in page: choose the person, then wait to land on `landing`. */
const chooseOnProviderPage = async (page: Page, person: { name: string }, landing: string | RegExp) => {
  await page.waitForURL((url) => url.href.startsWith(h.stack.issuer) && url.pathname.startsWith('/interaction/'));
  await page.getByRole('button', { name: new RegExp(person.name) }).click();
  await page.waitForURL(landing);
};

/** The states of the route's nodes as the SVG draws them: tier, method, then each checkpoint. */
const drawnRoute = (page: Page): Promise<string[]> =>
  page.locator('section.route svg g.node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state') ?? '?'));
/** The node the SVG marks as current (its title), if any. */
const currentNode = async (page: Page): Promise<string | null> => {
  const current = page.locator('section.route svg g.node.current text.t');
  return (await current.count()) === 0 ? null : current.first().textContent();
};

/** Reloads the requester's page and returns the drawn route, after checking the page once more. */
const requestPageNow = async (page: Page, url: string) => {
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  expect(await page.locator('section.route svg').count()).toBe(1);
  expect(await seriousViolations(page)).toEqual([]);
  return drawnRoute(page);
};

/** Fills the form's common fields: what, how much, from whom, paid with local funds, by written quotes. */
const fillQuotesPurchase = async (page: Page, title: string, quotes: ReturnType<typeof quotesWith>) => {
  await page.locator('#f-policy').selectOption('journey-city');
  await page.locator('#f-title').fill(title);
  await page.locator('#f-description').fill(`${title}, delivered and installed`);
  await page.locator('#f-amount').fill('12,000');
  await page.locator('#f-category').selectOption('goods');
  await page.locator('#f-vendor').fill(quotes[1]!.vendor);
  await page.getByLabel('Local').check();
  await page.locator('input[name="method"][value="quotes"]').check();
  for (const [row, quote] of quotes.entries()) {
    await page.locator(`#f-quotes-${row}-vendor`).fill(quote.vendor);
    await page.locator(`#f-quotes-${row}-amount`).fill(quote.amount);
  }
};

/** Submits the form and waits to land on the new request's page; returns its URL. */
const submitForm = async (page: Page, button: ReturnType<Page['getByRole']>): Promise<string> => {
  await Promise.all([page.waitForURL(/\/requests\/[0-9A-Z]{26}$/), button.click()]);
  return page.url();
};

/**
 * An approver opens their emailed link on their own phone, signs in as themselves (the policy asks
 * for it at this amount) and decides. Returns once the page says the decision is recorded.
 */
const decideFromEmail = async (
  person: { name: string; email: string }, title: string, decision: 'approve' | 'reject', options: { comment?: string; screenshot?: string } = {},
) => {
  const mail = await h.mail.waitFor(person.email, new RegExp(`^Approval needed: ${escaped(title)}`));
  const link = approvalLink(mail);
  const context = await openContext(browser, { device: 'phone' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  expect((await page.goto(link))?.status()).toBe(200);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Sign in to decide' }).click();
  await chooseOnProviderPage(page, person, link);
  // Signed in, back on the link: the decision is there, on the phone without sideways scrolling.
  await page.getByRole('button', { name: /Approve/ }).waitFor();
  expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
  expect(await seriousViolations(page)).toEqual([]);
  if (options.comment) await page.getByLabel(/^Comment/).fill(options.comment);
  await page.getByRole('button', { name: decision === 'approve' ? /Approve/ : /Reject/ }).click();
  await page.getByText('Decision recorded').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  if (options.screenshot) {
    mkdirSync(SHOTS, { recursive: true });
    for (const dark of [false, true]) {
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
      await page.screenshot({ path: join(SHOTS, `${options.screenshot}-phone${dark ? '-dark' : ''}.png`), fullPage: true });
    }
  }
  expect(realErrors(errors)).toEqual([]);
  await context.close();
};

/**
 * The requester's desktop browser, signed in through the real flow on first use: /sign-in, the
 * provider's page, back through /auth/callback to home.
 */
const requesterBrowser = () => (requester ??= (async () => {
  const context = await openContext(browser, { device: 'desktop' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${api}/sign-in?next=/`);
  await chooseOnProviderPage(page, REQUESTER, `${api}/`);
  await expect(page.locator('header').textContent()).resolves.toContain(REQUESTER.name);
  expect(await seriousViolations(page)).toEqual([]);
  return { context, page, errors };
})());

const outcomeMail = (subject: string, title: string): Promise<Mail> =>
  h.mail.waitFor(REQUESTER.email, new RegExp(`^${subject}: ${escaped(title)}`));

it('a requester signs in, submits an informal purchase through the form, and follows it on the request page while two approvers approve from their phones', async () => {
  const { page, errors } = await requesterBrowser();

  await Promise.all([page.waitForURL(`${api}/requests/new`), page.getByRole('link', { name: 'New request', exact: true }).click()]);
  expect(await seriousViolations(page)).toEqual([]);
  const title = 'Sit-stand desks for the permit counter';
  await fillQuotesPurchase(page, title, quotesWith('Budget Furniture Co'));

  await page.getByRole('button', { name: 'Preview what will happen' }).click();
  const preview = page.locator('.rf-preview');
  await preview.waitFor();
  const previewText = (await preview.textContent()) ?? '';
  expect(previewText).toContain('It would go to 2 approvers');
  expect(previewText).toMatch(/Tier: informal/);
  expect(previewText).toMatch(/1\. Department Head: Dana Ortiz[\s\S]*2\. Purchasing Agent: Jordan Blake/);
  expect(await seriousViolations(page)).toEqual([]);

  const url = await submitForm(page, preview.getByRole('button', { name: 'Submit this request' }));
  const id = url.split('/').pop()!;
  await expect(page.locator('h1').textContent()).resolves.toBe(title);
  expect(await page.locator('section.route svg').count()).toBe(1);

  // Dana has been asked: tier and method done, her checkpoint waiting, Jordan's not yet.
  await h.mail.waitFor(DANA.email, new RegExp(escaped(title)));
  expect(await requestPageNow(page, url)).toEqual(['done', 'done', 'waiting', 'not-yet']);
  await expect(currentNode(page)).resolves.toMatch(/Department Head/);
  await expect(page.locator('#status-heading + p').textContent()).resolves.toContain('Waiting for Dana Ortiz');

  await decideFromEmail(DANA, title, 'approve', { screenshot: 'decision-recorded' });
  // Jordan's email is the event that says the route moved on.
  await h.mail.waitFor(JORDAN.email, new RegExp(`^Approval needed: ${escaped(title)}`));
  expect(await requestPageNow(page, url)).toEqual(['done', 'done', 'done', 'waiting']);
  await expect(currentNode(page)).resolves.toMatch(/Purchasing Agent/);
  await expect(page.locator('.route-text').textContent()).resolves.toMatch(/Dana Ortiz/);

  await decideFromEmail(JORDAN, title, 'approve');
  const approved = await outcomeMail('Approved', title);
  expect(await requestPageNow(page, url)).toEqual(['done', 'done', 'done', 'done']);
  await expect(page.locator('#status-heading').textContent()).resolves.toBe('Approved');
  expect(await currentNode(page)).toBeNull();

  // The outcome email's status link is this page, and it opens in the requester's browser.
  expect(approved.text).toContain(`See the request’s status:\n${url}`);
  expect(approved.html).toContain(`href="${url}"`);
  expect((await page.goto(url))?.status()).toBe(200);
  // The trail names the verified people who signed.
  const audit = await h.api.as(REQUESTER.email).waitForAudit(id, 'request-finalized');
  const signers = audit.events.filter((e: any) => e.type === 'checkpoint-approved').map((e: any) => e.actor?.email);
  expect(signers).toEqual([DANA.email, JORDAN.email]);
  expect(realErrors(errors)).toEqual([]);
}, 300_000);

it('an approver rejects with a reason: the requester\'s page says so, with the reason', async () => {
  const { page } = await requesterBrowser();
  const title = 'Lobby benches';
  await page.goto(`${api}/requests/new`);
  await fillQuotesPurchase(page, title, quotesWith('Lobby Seating Ltd'));
  const url = await submitForm(page, page.getByRole('button', { name: 'Submit request', exact: true }));
  const reason = 'The permit counter is being rebuilt next spring; buy it with the renovation.';
  await decideFromEmail(DANA, title, 'reject', { comment: reason });
  const rejected = await outcomeMail('Rejected', title);
  expect(rejected.text).toContain(url);

  expect(await requestPageNow(page, url)).toEqual(['done', 'done', 'rejected', 'skipped']);
  await expect(page.locator('#status-heading').textContent()).resolves.toBe('Rejected');
  const pageText = (await page.locator('main').textContent()) ?? '';
  expect(pageText).toContain(reason);
  expect(pageText).toContain('Dana Ortiz');
}, 120_000);

it('a returned request is fixed with "Copy and fix": the form comes back filled in with the reasons, and the fixed copy routes', async () => {
  const { page, errors } = await requesterBrowser();
  await page.goto(`${api}/requests/new`);
  const title = 'Counter stools';
  // Two quotes where the policy asks for three: the routing returns it before any approver sees it.
  const quotes = quotesWith('Counter Works');
  await fillQuotesPurchase(page, title, quotes.slice(0, 2));
  const returnedUrl = await submitForm(page, page.getByRole('button', { name: 'Submit request', exact: true }));
  const returnedId = returnedUrl.split('/').pop()!;

  const returnedMail = await outcomeMail('Returned for changes', title);
  const resubmit = `${api}/requests/new?from=${returnedId}`;
  expect(returnedMail.text).toContain(resubmit);
  expect(await requestPageNow(page, returnedUrl)).toEqual(['done', 'rejected']);
  await expect(page.locator('#status-heading').textContent()).resolves.toMatch(/Returned/);
  const reasons = (await page.locator('#reasons-heading + ul').textContent()) ?? '';
  expect(reasons).toMatch(/2 written quote\(s\) from different vendors; at least 3 required/);

  await Promise.all([page.waitForURL(resubmit), page.getByRole('link', { name: 'Copy and fix' }).click()]);
  expect(await seriousViolations(page)).toEqual([]);
  // Filled in as it was sent, with what to fix shown above the form.
  expect(await page.locator('#f-title').inputValue()).toBe(title);
  expect(await page.locator('#f-amount').inputValue()).toMatch(/^12,?000(\.00)?$/);
  expect(await page.locator('#f-quotes-1-vendor').inputValue()).toBe(quotes[1]!.vendor);
  expect(await page.locator('input[name="method"][value="quotes"]').isChecked()).toBe(true);
  const copied = (await page.locator('.rf-copied').textContent()) ?? '';
  expect(copied).toContain('Copied from');
  expect(copied).toMatch(/It was returned for this reason[\s\S]*2 written quote\(s\) from different vendors; at least 3 required/);

  // The fix: the third quote.
  await page.locator('#f-quotes-2-vendor').fill(quotes[2]!.vendor);
  await page.locator('#f-quotes-2-amount').fill(quotes[2]!.amount);
  await page.getByRole('button', { name: 'Preview what will happen' }).click();
  const preview = page.locator('.rf-preview');
  await preview.waitFor();
  await expect(preview.textContent()).resolves.toContain('It would go to 2 approvers');
  const fixedUrl = await submitForm(page, preview.getByRole('button', { name: 'Submit this request' }));
  expect(fixedUrl).not.toBe(returnedUrl);

  // The copy routes: Dana is asked, and the page draws her checkpoint waiting.
  await h.mail.waitFor(DANA.email, new RegExp(`^Approval needed: ${escaped(title)}`));
  expect(await requestPageNow(page, fixedUrl)).toEqual(['done', 'done', 'waiting', 'not-yet']);
  // The original stays as it was.
  expect((await h.api.as(REQUESTER.email).get(returnedId)).body.status).toBe('RETURNED');
  expect(realErrors(errors)).toEqual([]);
  // Purchasing sees the fixed copy among the open requests.
  const open = await h.api.as(PURCHASING.email).listAll({ status: 'PENDING_APPROVAL' });
  expect(open.map((r: any) => r.id)).toContain(fixedUrl.split('/').pop());
}, 180_000);
