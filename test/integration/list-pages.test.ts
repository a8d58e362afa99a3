/**
 * The list pages over HTTP on the local stack, each person with their own token: the requester's
 * home lists their request and nobody else's, the department head's queue holds it and hops to
 * their own approval link (and to nobody else's), purchasing sees every open request by stage and
 * exports it as CSV, a requester is refused the overview. Then the same pages in Chromium, phone
 * and desktop, light and dark: no sideways scrolling, no accessibility violation that is serious
 * or critical, and screenshots kept in docs/screenshots.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { accessibilityViolations, browserTest, collectErrors, launchBrowser, openContext, screenshot, scrollWidth } from './support/browser';
import { approvalLink, decide, purchase, startHarness, type Harness } from './support/harness';
import { PURCHASING, REQUESTER, AUDITOR } from './support/people';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
const cooperative = { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true };

let h: Harness;
let browser: Browser | undefined;
/** The request everyone's pages are about, waiting for the department head. */
let waitingId: string;
let link: string;
const title = 'Park benches for Riverside';
/** A title a spreadsheet would run as a formula, were it not neutralised in the CSV. */
const formulaTitle = '=HYPERLINK("http://evil.example","Click")';

const page = async (email: string | null, path: string) => {
  const api = email === null ? h.api.anonymous() : h.api.as(email);
  const headers = await api.authorization('GET', path);
  const response = await fetch(`${h.stack.apiUrl}${path}`, { headers: { ...headers, accept: 'text/html' }, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

beforeAll(async () => {
  h = await startHarness();
  const submitted = await h.api.submit(purchase({ title, amount: 15000, vendor: { name: 'Bench Makers Ltd' }, method: cooperative }));
  expect(submitted.status).toBe(202);
  waitingId = submitted.body.id;
  link = approvalLink(await h.mail.waitFor(DEPT_HEAD, new RegExp(title)));
  const second = await h.api.submit(purchase({ title: formulaTitle, amount: 15000, vendor: { name: 'Formula Supplies' }, method: cooperative }));
  expect(second.status).toBe(202);
  await h.api.waitForCheckpoint(second.body.id, 0, 'pending');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('over HTTP', () => {
  it('the root path serves the signed-in home: the requester sees their requests, newest first, with who holds each', async () => {
    const home = await page(REQUESTER.email, '/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(home.text).toContain(`href="/requests/${waitingId}"`);
    expect(home.text).toContain('Park benches for Riverside');
    expect(home.text).toContain('Waiting for approval');
    expect(home.text).toContain('Dana Ortiz');
    expect(home.text).toContain('aria-current="page">My requests');
    // Newest first: the second submission comes before the first.
    expect(home.text.indexOf('HYPERLINK')).toBeLessThan(home.text.indexOf('Park benches'));
  }, 30_000);

  it('another person sees none of those requests on their home, and a new user is told how to start', async () => {
    const home = await page(PURCHASING.email, '/');
    expect(home.status).toBe(200);
    expect(home.text).not.toContain(waitingId);
    expect(home.text).toContain('You have no purchase requests yet');
    expect(home.text).toContain('href="/requests/new"');
  }, 30_000);

  it('without a token the home page sends the browser to sign in; a forged cursor is a 400 naming the field', async () => {
    const anonymous = await page(null, '/');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/sign-in\?next=%2F$/);
    const forged = await page(REQUESTER.email, `/?cursor=${Buffer.from(JSON.stringify({ k: { pk: 'x' } })).toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.text).toMatch(/<strong>cursor<\/strong>/);
  }, 30_000);

  it("the department head's queue holds the request; its entry hops to their own approval link and nobody else's", async () => {
    const waiting = await page(DEPT_HEAD, '/waiting');
    expect(waiting.status).toBe(200);
    expect(waiting.text).toContain(title);
    // The page carries no approval link: the hop is a route of ours, checked per viewer.
    expect(waiting.text).not.toContain('/approvals/');
    const hop = `/waiting/${waitingId}/0`;
    expect(waiting.text).toContain(`href="${hop}"`);

    const mine = await page(DEPT_HEAD, hop);
    expect(mine.status).toBe(303);
    expect(`${h.stack.apiUrl}${mine.headers.get('location')}`).toBe(link);
    expect(mine.headers.get('cache-control')).toBe('no-store');

    for (const someoneElse of [REQUESTER.email, PURCHASING.email]) {
      const refused = await page(someoneElse, hop);
      expect(refused.status).toBe(404);
      expect(refused.headers.get('location')).toBeNull();
      expect(refused.text).not.toContain('/approvals/');
    }
    expect((await page(REQUESTER.email, '/waiting')).text).toContain('Nothing waits for your decision');
  }, 30_000);

  it('purchasing and auditors see every open request by stage; a requester is refused with a 403 page', async () => {
    for (const email of [PURCHASING.email, AUDITOR.email]) {
      const overview = await page(email, '/purchasing');
      expect(overview.status).toBe(200);
      expect(overview.text).toContain(title);
      expect(overview.text).toMatch(/<h2 id="stage-0">Department Head/i);
      expect(overview.text).toContain('Showing 2 of 2 open requests');
    }
    const refused = await page(REQUESTER.email, '/purchasing');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('for purchasing and auditors');
    expect(refused.text).not.toContain(title);
    // Filters narrow; a value that is not a filter's is a 400 naming the field.
    const filtered = await page(PURCHASING.email, `/purchasing?department=${encodeURIComponent('Nowhere')}`);
    expect(filtered.text).toContain('Showing 0 of 2 open requests');
    const bad = await page(PURCHASING.email, '/purchasing?status=APPROVED');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<strong>status<\/strong>: must be one of SUBMITTED, PENDING_APPROVAL/);
  }, 30_000);

  it('the CSV export is text/csv with a safe filename, one row per open request, and a formula title neutralised', async () => {
    const csv = await page(PURCHASING.email, '/purchasing?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="open-requests-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^Number,Id,Title,Department/);
    expect(lines).toHaveLength(3);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"",""Click"")"`);
    expect(csv.text).not.toMatch(/(^|,)=HYPERLINK/m);
    const row = lines.find((l) => l.includes(waitingId))!;
    expect(row).toContain('15000.00');
    expect(row).toContain('PENDING_APPROVAL');
  }, 30_000);

  it('after the department head approves, the request leaves their queue and reaches purchasing\u2019s', async () => {
    const other = await h.api.submit(purchase({ title: 'Queue move check', amount: 15000, vendor: { name: 'Mover Co' }, method: cooperative }));
    const id = other.body.id as string;
    const otherLink = approvalLink(await h.mail.waitFor(DEPT_HEAD, /Queue move check/));
    expect((await decide(otherLink, { decision: 'approve' })).status).toBe(200);
    await h.api.waitForCheckpoint(id, 1, 'pending');
    await h.mail.waitFor(PURCHASING.email, /Queue move check/);
    expect((await page(DEPT_HEAD, '/waiting')).text).not.toContain('Queue move check');
    const theirs = await page(PURCHASING.email, '/waiting');
    expect(theirs.text).toContain('Queue move check');
    // The hop for a checkpoint that is closed now leads to the request page instead.
    const closed = await page(DEPT_HEAD, `/waiting/${id}/0`);
    expect(closed.status).toBe(303);
    expect(closed.headers.get('location')).toBe(`/requests/${id}`);
  }, 60_000);
});

describe('in a browser', () => {
  const maybe = browserTest('list-pages');
  const shots = join(process.cwd(), 'docs', 'screenshots');

  maybe('each list page on a phone and a desktop, light and dark: fits the width, no serious accessibility violation', async () => {
    browser = await launchBrowser();
    const pages: Array<{ name: string; path: string; email: string }> = [
      { name: 'home', path: '/', email: REQUESTER.email },
      { name: 'waiting', path: '/waiting', email: DEPT_HEAD },
      { name: 'purchasing', path: '/purchasing', email: PURCHASING.email },
    ];
    const previous = process.env.SCREENSHOT_DIR;
    process.env.SCREENSHOT_DIR = shots;
    try {
      for (const { name, path, email } of pages) {
        const token = await h.api.tokenFor(email);
        for (const device of ['phone', 'desktop'] as const) {
          for (const dark of [false, true]) {
            const context = await openContext(browser, { device, dark, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
            const tab = await context.newPage();
            const errors = collectErrors(tab);
            const response = await tab.goto(`${h.stack.apiUrl}${path}`, { waitUntil: 'load' });
            expect(response?.status()).toBe(200);
            await tab.locator('h1').first().waitFor({ state: 'visible' });
            expect(await scrollWidth(tab)).toBeLessThanOrEqual(device === 'phone' ? 390 : 1280);
            const serious = (await accessibilityViolations(tab)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
            expect({ page: name, device, dark, serious }).toEqual({ page: name, device, dark, serious: [] });
            expect(errors).toEqual([]);
            await screenshot(tab, `${name}-${device}${dark ? '-dark' : ''}`);
            await context.close();
          }
        }
      }
    } finally {
      if (previous === undefined) delete process.env.SCREENSHOT_DIR; else process.env.SCREENSHOT_DIR = previous;
    }
  }, 600_000);

  maybe('on a phone, the approval page puts a jump to the decision near the top', async () => {
    browser ??= await launchBrowser();
    const context = await openContext(browser, { device: 'phone' });
    const tab = await context.newPage();
    await tab.goto(link, { waitUntil: 'load' });
    const jump = tab.getByRole('link', { name: 'Decide' });
    const box = await jump.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeLessThanOrEqual(844); // on the first screen
    await jump.tap();
    await tab.waitForFunction('location.hash === "#decide"');
    // Bounding boxes are relative to the viewport: after the jump, Approve is on screen.
    expect(await tab.evaluate<number>('window.scrollY')).toBeGreaterThan(0);
    const approve = await tab.getByRole('button', { name: /approve/i }).boundingBox();
    expect(approve!.y).toBeGreaterThanOrEqual(0);
    expect(approve!.y + approve!.height).toBeLessThanOrEqual(844);
    await context.close();
  }, 60_000);
});
