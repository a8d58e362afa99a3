/**
 * Browser sessions end to end (issue 9 item 7): Chromium signs in through the local provider's
 * sign-in page (authorization code + PKCE), gets an HttpOnly SameSite=Lax session cookie and lands
 * on the page it asked for; forms posted with the session need its form token and this site's
 * origin; sign-out ends the session on the server, so a copy of the cookie stops working, and ends
 * the provider's session too; a return path off the site is refused. Approval links: a browser
 * signed in as someone else is refused, and above a policy's step-up amount the page asks the
 * approver to sign in and brings them back, the link never copied into another URL.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formTokenOf } from '../../lambdas/app/session';
import { sampleCity } from '../fixtures/policies';
import { browserTest, launchBrowser, openContext } from './support/browser';
import { approvalLink, purchase, startHarness, type Harness } from './support/harness';
import { personByEmail, REQUESTER } from './support/people';

const DANA = personByEmail('dana.ortiz@sample-city.example')!; // head of Public Works: first approver of Ana's requests
const PRIYA = personByEmail('priya.nair@sample-city.example')!; // head of Parks and Recreation
const STEP_UP = { ...sampleCity(), id: 'step-up-city', approvals: { signInRequiredAbove: 10000 } };
const COOPERATIVE = { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true };

const it = browserTest('sessions-browser');
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

let h: Harness;
let browser: Browser;
let api: string;
beforeAll(async () => {
  h = await startHarness({ extraPolicies: [STEP_UP] });
  api = h.stack.apiUrl;
  browser = await launchBrowser();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

let counter = 0;
const unique = (label: string) => `${label} ${Date.now().toString(36)}-${(counter += 1)}`;

/** Ana submits a $15,000 cooperative purchase; returns Dana's approval link. */
const submitForDana = async (policy = 'sample-city') => {
  const title = unique('Benches');
  const submitted = await h.api.as(REQUESTER.email).submit(purchase({ title, policy, amount: 15000, vendor: { name: 'Bench Makers Ltd' }, method: COOPERATIVE }));
  expect(submitted.status).toBe(202);
  return { title, link: approvalLink(await h.mail.waitFor(DANA.email, new RegExp(title))) };
};

/** On the local provider's sign-in page: choose the person, then wait to land on `landing`. */
const chooseOnProviderPage = async (page: Page, person: { name: string }, landing: string | RegExp) => {
  await page.waitForURL((url) => url.href.startsWith(h.stack.issuer) && url.pathname.startsWith('/interaction/'));
  await page.getByRole('button', { name: new RegExp(person.name) }).click();
  await page.waitForURL(landing);
};

/** A fresh browser signed in as `person`, landed on `next`. */
const signedIn = async (person: { name: string }, next = '/docs'): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await openContext(browser, { device: 'desktop' });
  const page = await context.newPage();
  await page.goto(`${api}/sign-in?${new URLSearchParams({ next })}`);
  await chooseOnProviderPage(page, person, `${api}${next}`);
  return { context, page };
};

const sessionCookie = async (context: BrowserContext) => (await context.cookies(api)).find((c) => c.name === 'session');

/**
 * Posts a form to `action` from a page of `origin`, as a form on that page would: our own pages
 * (a refused sign-in page: form-action 'self') or the provider's discovery document (another origin).
 */
const postFormFrom = async (page: Page, origin: string, action: string, fields: Record<string, string>) => {
  await page.goto(origin === api ? `${api}/sign-in?next=https://elsewhere.example` : `${origin}/.well-known/openid-configuration`);
  const answer = page.waitForResponse((r) => r.url() === action && r.request().method() === 'POST');
  // Runs in the page (a string, so no DOM types are needed here).
  await page.evaluate(`(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = ${JSON.stringify(action)};
    for (const [name, value] of Object.entries(${JSON.stringify(fields)})) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  })()`);
  const response = await answer;
  // A page that moves on at once (the sign-out's Refresh) leaves no body to read.
  return { status: response.status(), text: await response.text().catch(() => '') };
};

it('sign in through the local provider: an HttpOnly SameSite=Lax session cookie, and the browser lands on `next`', async () => {
  const { context, page } = await signedIn(DANA, '/docs?section=approvals');
  expect(page.url()).toBe(`${api}/docs?section=approvals`);
  const cookie = await sessionCookie(context);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false }); // http locally; Secure and __Host- on https
  expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  // The pending sign-in cookie is gone once used (the provider's own cookies share the host: ports do not separate cookies).
  expect((await context.cookies(api)).map((c) => c.name)).not.toContain('sign-in');
  await context.close();
}, 60_000);

it('a return path off this site is refused (no open redirect)', async () => {
  for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/sign-in?next=/x']) {
    const response = await fetch(`${api}/sign-in?${new URLSearchParams({ next })}`, { redirect: 'manual' });
    expect([next, response.status, response.headers.get('location')]).toEqual([next, 400, null]);
  }
  const fine = await fetch(`${api}/sign-in?next=${encodeURIComponent('/requests/new')}`, { redirect: 'manual' });
  expect(fine.status).toBe(303);
  const location = new URL(fine.headers.get('location')!);
  expect(location.origin).toBe(h.stack.issuer);
  // The return path stays in the encrypted cookie: not in the URL the provider sees.
  expect(location.href).not.toContain('requests');
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  expect(fine.headers.getSetCookie().join('\n')).toMatch(/^sign-in=[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/m);
});

it('a callback without the pending-sign-in cookie of this browser is refused', async () => {
  const response = await fetch(`${api}/auth/callback?code=stolen&state=guessed`, { redirect: 'manual' });
  expect(response.status).toBe(400);
  expect(await response.text()).toMatch(/expired or was started in another browser/);
});

it('forms posted with the session need its form token and this site\'s origin; sign-out ends the session for every copy of the cookie, and the provider\'s', async () => {
  const { title, link } = await submitForDana();
  const { context, page } = await signedIn(PRIYA);
  const cookie = (await sessionCookie(context))!;
  const copied = `session=${cookie.value}`;

  // Signed in as Priya, Dana's link is refused (by the session, no bearer token involved).
  const refused = await fetch(link, { headers: { cookie: copied } });
  expect(refused.status).toBe(403);
  expect(await refused.text()).toContain('This approval link is for Dana Ortiz, and you are signed in as Priya Nair');
  const pageRefusal = await page.goto(link);
  expect(pageRefusal?.status()).toBe(403);

  const signOut = `${api}/sign-out`;
  expect((await postFormFrom(page, api, signOut, {})).status).toBe(403);
  expect((await postFormFrom(page, api, signOut, { formToken: 'not-the-token' })).status).toBe(403);
  // Another origin (the provider's port: same site, other origin) with the right token: refused too.
  const crossOrigin = await postFormFrom(page, h.stack.issuer, signOut, { formToken: formTokenOf(cookie.value) });
  expect(crossOrigin.status).toBe(403);
  expect(crossOrigin.text).toMatch(/did not come from a page of this site/);
  // None of those ended the session.
  expect((await fetch(link, { headers: { cookie: copied } })).status).toBe(403);

  // The page's own sign-out: the session ends, then the provider's (its confirmation page), then home
  // (which, signed out, sends the browser on to sign in).
  const ended = await postFormFrom(page, api, signOut, { formToken: formTokenOf(cookie.value) });
  expect(ended.status).toBe(200);
  await page.waitForURL((url) => url.href.startsWith(h.stack.issuer));
  // Home asks a signed-out browser to sign in again, so the landing is seen as a request for `/`.
  await Promise.all([page.waitForRequest(`${api}/`), page.getByRole('button', { name: 'Sign out' }).click()]);
  await page.waitForLoadState('load');
  expect(await sessionCookie(context)).toBeUndefined();

  // The copied cookie no longer signs anyone in: Dana's link opens as a one-tap link again.
  const afterwards = await fetch(link, { headers: { cookie: copied } });
  expect(afterwards.status).toBe(200);
  expect(await afterwards.text()).toContain(title);
  // And the provider asks who you are again (its session ended too).
  await page.goto(`${api}/sign-in?next=/docs`);
  await page.waitForURL((url) => url.href.startsWith(h.stack.issuer) && url.pathname.startsWith('/interaction/'));
  await context.close();
}, 90_000);

it('step-up: above the policy\'s amount the link asks to sign in, brings the approver back, and the link path appears in no other URL', async () => {
  const { title, link } = await submitForDana('step-up-city');
  const approvalId = new URL(link).pathname.split('/').pop()!;
  const context = await openContext(browser, { device: 'phone' });
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));

  const opened = await page.goto(link);
  expect(opened?.status()).toBe(200);
  await expect(page.title()).resolves.toContain(title);
  expect(await page.getByRole('button', { name: /approve/i }).count()).toBe(0);
  // The step-up page as people see it (kept under docs/screenshots for the README).
  for (const [device, size] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 900 }]] as const) {
    for (const dark of [false, true]) {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
      await page.screenshot({ path: join(SCREENSHOTS, `sign-in-to-decide-${device}${dark ? '-dark' : ''}.png`), fullPage: true });
    }
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'light' });
  // The link alone decides nothing above the amount.
  const form = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'decision=approve' });
  expect(form.status).toBe(403);

  await page.getByRole('button', { name: 'Sign in to decide' }).click();
  await chooseOnProviderPage(page, DANA, link);
  await page.getByRole('button', { name: /approve/i }).click();
  await page.waitForLoadState();
  await expect(page.content()).resolves.toMatch(/recorded|approved/i);

  const elsewhere = urls.filter((url) => !url.startsWith(link));
  expect(elsewhere.length).toBeGreaterThan(3); // sign-in, the provider, the callback
  expect(elsewhere.filter((url) => url.includes(approvalId))).toEqual([]);
  await context.close();
}, 90_000);

it('the body may leave out the requester: the signed-in person is the requester', async () => {
  const { requester: _requester, ...body } = purchase({ title: unique('No requester') }) as Record<string, unknown>;
  const submitted = await h.api.as(REQUESTER.email).submit(body);
  expect(submitted.status).toBe(202);
  const view = await h.api.as(REQUESTER.email).get(submitted.body.id as string);
  expect(view.body.request.requester).toEqual({ name: REQUESTER.name, email: REQUESTER.email });
});
