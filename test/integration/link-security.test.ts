/**
 * Approval links (DESIGN §5) against the embedded local stack, as a mail scanner, an attacker and
 * a late approver would meet them: prefetches change nothing, a decision needs the page's
 * anti-forgery value, unknown/decided/expired links get 404/409/410 pages, a requester never
 * decides their own request, and every page is sent with the security headers and escaped text.
 */
import { withDeadlineSeconds } from '../fixtures/policies';
import {
  approvalLink, decide, openLink, postDecision, purchase, startHarness, type Harness, type Mail,
} from './support/harness';

const DEPT_HEAD = { name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example' };
const DEPT_ALTERNATE = 'sam.lee@sample-city.example';
const DEPT_ESCALATION = { name: 'Morgan Hale', email: 'morgan.hale@sample-city.example' };

/** Reminder after 1 s, escalation after 2 s, expiry after 3 s: the whole deadline ladder in seconds. */
const FAST_EXPIRY = withDeadlineSeconds('fast-expiry', { reminder: 1, escalation: 2, expiry: 3 });
/** Escalates after 2 s, then stays open long enough to use the escalation link. */
const FAST_ESCALATION = withDeadlineSeconds('fast-escalation', { reminder: 1, escalation: 2, expiry: 600 });

let h: Harness;
beforeAll(async () => { h = await startHarness({ extraPolicies: [FAST_EXPIRY, FAST_ESCALATION], timeScale: 15 }); }, 60_000);
afterAll(async () => { await h?.close(); });

let counter = 0;
const unique = (label: string) => `${label} ${Date.now().toString(36)}-${(counter += 1)}`;

/** Submits a micro purchase and returns its id and the department head's link once they were asked. */
const pendingRequest = async (overrides: Record<string, unknown> = {}, approver = DEPT_HEAD.email) => {
  const title = (overrides.title as string | undefined) ?? unique('Link check');
  // A vendor of its own: repeated buys from one vendor would add up to a split-purchase tier.
  const submitted = await h.api.submit(purchase({ title, amount: 1200, vendor: { name: `Vendor of ${title}` }, ...overrides }));
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  const mail = await h.mail.waitFor(approver, new RegExp(escapeRegExp(title.slice(0, 40))));
  // The approval-requested event is written after the mail is handed over: wait for it so the
  // "before" snapshot of a test is really the settled state.
  await h.api.waitForAudit(id, 'approval-requested', { index: 0 });
  return { id, title, mail, link: approvalLink(mail) };
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a person or auditor can see of a request: its view and its whole audit trail. */
const snapshot = async (id: string) => {
  const [view, audit] = await Promise.all([h.api.get(id), h.api.audit(id)]);
  expect(view.status).toBe(200);
  expect(audit.status).toBe(200);
  return { view: view.body, events: audit.body.events as Array<{ seq: number; type: string; hash: string }>, verified: audit.body.verified };
};

const alter = (link: string) => {
  const at = link.length - 5;
  const c = link[at] === 'A' ? 'B' : 'A';
  return `${link.slice(0, at)}${c}${link.slice(at + 1)}`;
};

const expectSecurityHeaders = (headers: Headers, what: string) => {
  const csp = headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/);
    return [name!.toLowerCase(), values] as const;
  }));
  const context = `${what}: ${csp}`;
  expect([context, headers.get('referrer-policy')]).toEqual([context, 'no-referrer']);
  expect([context, headers.get('x-content-type-options')]).toEqual([context, 'nosniff']);
  expect([context, headers.get('content-type')]).toEqual([context, expect.stringMatching(/^text\/html/)]);
  // Strict: nothing loads by default, no script source at all, no inline or eval escape hatches.
  expect([context, directives.get('default-src')]).toEqual([context, ["'none'"]]);
  expect([context, directives.get('script-src') ?? ["'none'"]]).toEqual([context, ["'none'"]]);
  expect([context, directives.get('frame-ancestors')]).toEqual([context, ["'none'"]]);
  expect([context, directives.get('base-uri')]).toEqual([context, ["'none'"]]);
  expect([context, directives.get('form-action')]).toEqual([context, ["'self'"]]);
  expect([context, /unsafe-inline|unsafe-eval|unsafe-hashes|\*|data:|http:|https:/.test(csp)]).toEqual([context, false]);
};

describe('GET and HEAD change nothing', () => {
  test('100 parallel prefetches (GET and HEAD, scanner-style) leave request, checkpoint, audit and inbox unchanged; the link still decides', async () => {
    const { id, link } = await pendingRequest();
    const before = await snapshot(id);
    const mailsBefore = (await h.mail.all()).length;

    const scannerHeaders: Array<Record<string, string>> = [
      {}, { 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks)' }, { accept: 'application/json' },
      { 'user-agent': 'Mimecast', 'x-forwarded-for': '203.0.113.9' }, { range: 'bytes=0-100' },
    ];
    const prefetches = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const response = await fetch(link, { method: i % 2 === 0 ? 'GET' : 'HEAD', headers: scannerHeaders[i % scannerHeaders.length], redirect: 'manual' });
      return { method: i % 2 === 0 ? 'GET' : 'HEAD', status: response.status, body: await response.text(), headers: response.headers };
    }));
    for (const p of prefetches) {
      expect(p.status).toBe(200);
      expectSecurityHeaders(p.headers, `${p.method} prefetch`);
      if (p.method === 'HEAD') expect(p.body).toBe('');
      else expect(p.body).toContain('name="antiForgery"');
    }

    const after = await snapshot(id);
    expect(after.view).toEqual(before.view);
    expect(after.events).toEqual(before.events);
    expect(after.verified).toBe(true);
    expect(after.view.checkpoints[0].state).toBe('pending');
    expect((await h.mail.all()).length).toBe(mailsBefore);

    const decided = await decide(link, { decision: 'approve', comment: 'after the scanners' });
    expect(decided.status).toBe(200);
    const done = await h.api.waitForStatus(id, 'APPROVED');
    expect(done.checkpoints[0]).toMatchObject({ state: 'approved', decidedBy: DEPT_HEAD.name, comment: 'after the scanners' });
  }, 60_000);
});

describe('the decision POST needs the page\'s anti-forgery value', () => {
  test('missing, empty, altered, replayed from another link, or forged → 403 and nothing recorded; the real one works', async () => {
    const { id, link } = await pendingRequest();
    const other = await pendingRequest();
    const page = await openLink(link);
    const otherPage = await openLink(other.link);
    expect(page.antiForgery).toMatch(/^\d+\.[A-Za-z0-9_-]+$/);
    const before = await snapshot(id);

    const [issued, signature] = page.antiForgery!.split('.') as [string, string];
    const flip = (s: string, at: number) => `${s.slice(0, at)}${s[at] === 'A' ? 'B' : 'A'}${s.slice(at + 1)}`;
    const bad: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['empty', ''],
      ['altered signature', `${issued}.${flip(signature, 3)}`],
      ['altered time', `${Number(issued) + 1}.${signature}`],
      ['signature only', signature],
      ['from another approval link', otherPage.antiForgery],
      ['forged, far future', `${Date.now() + 10 * 86_400_000}.${signature}`],
      ['forged, long ago', `0.${signature}`],
      ['not a token', 'x'.repeat(150)],
      ['too long', `${page.antiForgery}${'A'.repeat(300)}`],
    ];
    for (const [label, antiForgery] of bad) {
      for (const json of [false, true]) {
        const result = await postDecision(link, { decision: 'approve', comment: label, antiForgery }, { json });
        expect([label, json, result.status]).toEqual([label, json, 403]);
        if (json) expect(result.body.error).toMatchObject({ code: 'forbidden', fields: [{ field: 'antiForgery' }] });
        else expect(result.text).toContain('did not come from the approval page');
      }
    }
    const after = await snapshot(id);
    expect(after.view).toEqual(before.view);
    expect(after.events).toEqual(before.events);

    const ok = await postDecision(link, { decision: 'approve', antiForgery: page.antiForgery });
    expect(ok.status).toBe(200);
    await h.api.waitForStatus(id, 'APPROVED');
    // The other request's page token never decided this one, and its own link is still open.
    expect((await h.api.get(other.id)).body.checkpoints[0].state).toBe('pending');
  }, 60_000);
});

describe('unknown, altered, decided and expired links', () => {
  test('unknown or altered ids get the 404 page on GET, HEAD and POST, with the security headers', async () => {
    const { id, link } = await pendingRequest();
    const page = await openLink(link);
    const base = link.slice(0, link.lastIndexOf('/') + 1);
    const approvalId = link.slice(link.lastIndexOf('/') + 1);
    const bad = [
      alter(link),
      `${base}${'A'.repeat(43)}`,
      `${base}${approvalId.slice(0, -1)}`,
      `${base}${approvalId}A`,
      `${base}${approvalId.toLowerCase() === approvalId ? approvalId.toUpperCase() : approvalId.toLowerCase()}`,
      `${base}${approvalId.slice(0, 42)}%2F`,
      `${base}${approvalId.slice(0, 42)}=`,
      `${base}x`,
      `${base}${'A'.repeat(5000)}`,
      `${base}%00`,
      `${base}..%2F..%2Frequests`,
      `${base}${encodeURIComponent('<script>alert(1)</script>')}`,
    ];
    for (const url of bad) {
      for (const method of ['GET', 'HEAD'] as const) {
        const response = await openLink(url, method);
        expect([url.slice(-60), method, response.status]).toEqual([url.slice(-60), method, 404]);
        expectSecurityHeaders(response.headers, `${method} 404`);
        if (method === 'GET') {
          expect(response.html).toContain('Link not found');
          expect(response.html).not.toContain('<script>');
          expect(response.antiForgery).toBeUndefined();
        }
      }
      // The real page's token does not make an unknown id decide anything.
      const posted = await postDecision(url, { decision: 'approve', antiForgery: page.antiForgery });
      expect([url.slice(-60), posted.status]).toEqual([url.slice(-60), 404]);
      const postedJson = await postDecision(url, { decision: 'approve', antiForgery: page.antiForgery }, { json: true });
      expect(postedJson.status).toBe(404);
      expect(postedJson.body.error.code).toBe('not_found');
    }
    expect((await h.api.get(id)).body.checkpoints[0].state).toBe('pending');
  }, 60_000);

  test('a decided link → 409 page naming who decided and when, on GET, POST and JSON; nothing changes', async () => {
    const { id, link } = await pendingRequest();
    const page = await openLink(link);
    expect((await postDecision(link, { decision: 'approve', comment: 'ok', antiForgery: page.antiForgery })).status).toBe(200);
    const done = await h.api.waitForStatus(id, 'APPROVED');
    const decidedAt = done.checkpoints[0].decidedAt as string;
    expect(decidedAt).toEqual(expect.any(String));
    // The outcome is stored before its audit events and the requester's mail: wait for the last one.
    await h.api.waitForAudit(id, 'requester-notified');
    const before = await snapshot(id);

    const reopened = await openLink(link);
    expect(reopened.status).toBe(409);
    expectSecurityHeaders(reopened.headers, 'GET 409');
    expect(reopened.html).toContain(DEPT_HEAD.name);
    expect(reopened.html).toContain(`datetime="${decidedAt}"`);
    expect(reopened.html).toMatch(/already approved/i);
    expect(reopened.antiForgery).toBeUndefined();

    const again = await postDecision(link, { decision: 'reject', comment: 'changed my mind', antiForgery: page.antiForgery });
    expect(again.status).toBe(409);
    expect(again.text).toContain(DEPT_HEAD.name);
    expect(again.text).toContain(`datetime="${decidedAt}"`);
    const againJson = await postDecision(link, { decision: 'reject', comment: 'changed my mind', antiForgery: page.antiForgery }, { json: true });
    expect(againJson.status).toBe(409);
    expect(againJson.body.error.code).toBe('already_decided');
    expect(againJson.body.error.message).toContain(DEPT_HEAD.name);
    expect(againJson.body.error.message).toContain(decidedAt);
    // Even without a valid token the answer is the same 409: nothing to forge any more.
    expect((await postDecision(link, { decision: 'reject', comment: 'x' })).status).toBe(409);

    const after = await snapshot(id);
    expect(after.view).toEqual(before.view);
    expect(after.events).toEqual(before.events);
  }, 60_000);

  test('an expired link → 410 (request EXPIRED through reminder, escalation, expiry; never approved), even with a token taken in time', async () => {
    const title = unique('Expiring cones');
    const submitted = await h.api.submit(purchase({ policy: 'fast-expiry', title, amount: 1200, vendor: { name: `Vendor of ${title}` } }));
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const link = approvalLink(await h.mail.waitFor(DEPT_HEAD.email, new RegExp(title)));
    const page = await openLink(link);
    // The page may be opened in time or the checkpoint may already be past its deadline.
    expect([200, 410]).toContain(page.status);

    const done = await h.api.waitForStatus(id, 'EXPIRED', 30_000);
    expect(done.checkpoints[0].state).toBe('expired');
    expect(done.decision).toMatchObject({ status: 'EXPIRED' });
    await h.api.waitForAudit(id, 'requester-notified');
    const before = await snapshot(id);
    const types = before.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['reminder-sent', 'approval-escalated', 'checkpoint-expired']));
    expect(types).not.toContain('checkpoint-approved');

    const reopened = await openLink(link);
    expect(reopened.status).toBe(410);
    expectSecurityHeaders(reopened.headers, 'GET 410');
    expect(reopened.html).toMatch(/expired/i);
    expect(reopened.antiForgery).toBeUndefined();
    expect((await openLink(link, 'HEAD')).status).toBe(410);
    const late = await postDecision(link, { decision: 'approve', antiForgery: page.antiForgery });
    expect(late.status).toBe(410);
    const lateJson = await postDecision(link, { decision: 'approve', antiForgery: page.antiForgery }, { json: true });
    expect(lateJson.status).toBe(410);
    expect(lateJson.body.error.code).toBe('expired');

    // The escalation contact's link expired with the checkpoint too.
    const escalation = (await h.mail.to(DEPT_ESCALATION.email)).find((m) => m.subject.includes(title));
    expect(escalation).toBeDefined();
    const escalationLink = approvalLink(escalation!);
    expect(escalationLink).not.toBe(link);
    expect((await openLink(escalationLink)).status).toBe(410);
    expect((await postDecision(escalationLink, { decision: 'approve', antiForgery: page.antiForgery })).status).toBe(410);

    const after = await snapshot(id);
    expect(after.view).toEqual(before.view);
    expect(after.events).toEqual(before.events);
  }, 60_000);
});

describe('a requester never decides their own request', () => {
  const mailsAbout = async (address: string, title: string) => (await h.mail.to(address)).filter((m) => m.subject.includes(title));
  const hasApprovalLink = (m: Mail) => /\/approvals\//.test(m.text) || /\/approvals\//.test(m.html);

  test('the department head as requester: the alternate is asked, the requester gets no approval link', async () => {
    for (const email of [DEPT_HEAD.email, DEPT_HEAD.email.toUpperCase()]) {
      const title = unique('Own request');
      const submitted = await h.api.submit(purchase({ title, requester: { name: DEPT_HEAD.name, email }, amount: 1200, vendor: { name: `Vendor of ${title}` } }));
      expect(submitted.status).toBe(202);
      const id = submitted.body.id as string;
      const link = approvalLink(await h.mail.waitFor(DEPT_ALTERNATE, new RegExp(title)));
      await h.api.waitForAudit(id, 'approval-requested', { index: 0 });
      const view = (await h.api.get(id)).body;
      expect(view.checkpoints[0].approver.email).toBe(DEPT_ALTERNATE);
      expect((await mailsAbout(DEPT_HEAD.email, title)).filter(hasApprovalLink)).toEqual([]);

      expect((await decide(link, { decision: 'approve' })).status).toBe(200);
      const done = await h.api.waitForStatus(id, 'APPROVED');
      expect(done.checkpoints[0].decidedBy).toBe('Sam Lee');
      // Told of the outcome, still without any approval link.
      await h.mail.waitFor(email, new RegExp(`approved.*${escapeRegExp(title)}|${escapeRegExp(title)}.*approved`, 'i'));
      expect((await mailsAbout(DEPT_HEAD.email, title)).filter(hasApprovalLink)).toEqual([]);
    }
  }, 60_000);

  test('a link whose recipient is the requester (the escalation contact requested the purchase) is refused: GET and POST 403, nothing recorded', async () => {
    const title = unique('Escalated own request');
    const submitted = await h.api.submit(purchase({ policy: 'fast-escalation', title, requester: DEPT_ESCALATION, amount: 1200, vendor: { name: `Vendor of ${title}` } }));
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const primary = approvalLink(await h.mail.waitFor(DEPT_HEAD.email, new RegExp(title)));
    const primaryPage = await openLink(primary);
    const audit = await h.api.waitForAudit(id, 'approval-escalated', { index: 0, timeoutMs: 20_000 });
    const escalated = audit.events.find((e: { type: string }) => e.type === 'approval-escalated');

    const links = (await mailsAbout(DEPT_ESCALATION.email, title)).filter(hasApprovalLink);
    if (escalated.data.recipient.email.toLowerCase() !== DEPT_ESCALATION.email) {
      // The product chose someone else to escalate to: the requester must then have no link at all.
      expect(links).toEqual([]);
    } else {
      // The escalation went to the requester (see the report): the link must not decide anything.
      expect(links).toHaveLength(1);
      const own = approvalLink(links[0]!);
      const before = await snapshot(id);
      const page = await openLink(own);
      expect(page.status).toBe(403);
      expectSecurityHeaders(page.headers, 'GET 403');
      expect(page.antiForgery).toBeUndefined();
      expect(page.html).toMatch(/cannot decide their own request/);
      // With any token at all (here the department head's page's), the answer is still 403.
      for (const json of [false, true]) {
        for (const decision of ['approve', 'reject'] as const) {
          const posted = await postDecision(own, { decision, comment: 'mine', antiForgery: primaryPage.antiForgery }, { json });
          expect([decision, json, posted.status]).toEqual([decision, json, 403]);
        }
      }
      const after = await snapshot(id);
      expect(after.view.checkpoints).toEqual(before.view.checkpoints);
      expect(after.events.filter((e) => /^checkpoint-(approved|rejected)$/.test(e.type))).toEqual([]);
    }
    // The department head's own link still decides normally.
    expect((await decide(primary, { decision: 'approve' })).status).toBe(200);
    const done = await h.api.waitForStatus(id, 'APPROVED');
    expect(done.checkpoints[0].decidedBy).toBe(DEPT_HEAD.name);
  }, 60_000);
});

describe('headers and escaping', () => {
  const hostile = '<script>alert(1)</script>';

  test('a title of <script>alert(1)</script> (and hostile vendor/requester/description) shows as text in the email HTML and every page', async () => {
    const title = `${hostile} ${unique('x')}`;
    const { id, mail, link } = await pendingRequest({
      title,
      description: `"><img src=x onerror=alert(2)> & </textarea><script>alert(3)</script>`,
      vendor: { name: `Evil' onmouseover='alert(4)` },
      requester: { name: '<b>Ana</b> <svg onload=alert(5)>', email: 'ana.ruiz@city.example' },
    }, DEPT_HEAD.email);
    const escapedTitle = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

    const noActiveMarkup = (markup: string, where: string) => {
      expect([where, /<script/i.test(markup)]).toEqual([where, false]);
      expect([where, /<img/i.test(markup)]).toEqual([where, false]);
      expect([where, /<svg/i.test(markup)]).toEqual([where, false]);
      expect([where, /<b>Ana/i.test(markup)]).toEqual([where, false]);
      // No tag carries an event handler attribute (escaped text never opens a tag).
      expect([where, /<[a-z][^>]*\son\w+\s*=/i.test(markup)]).toEqual([where, false]);
    };

    expect(mail.subject).toContain(hostile);
    expect(mail.text).toContain(hostile);
    expect(mail.html).toContain(escapedTitle);
    noActiveMarkup(mail.html, 'email html');

    const page = await openLink(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain(escapedTitle);
    expect(page.html).toContain('&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(page.html).toContain('Evil&#39; onmouseover=&#39;alert(4)');
    noActiveMarkup(page.html, 'approval page');

    const recorded = await postDecision(link, { decision: 'approve', comment: `${hostile}</textarea>`, antiForgery: page.antiForgery });
    expect(recorded.status).toBe(200);
    expect(recorded.text).toContain(escapedTitle);
    noActiveMarkup(recorded.text, 'recorded page');

    const decided = await openLink(link);
    expect(decided.status).toBe(409);
    expect(decided.html).toContain(escapedTitle);
    noActiveMarkup(decided.html, '409 page');
    await h.api.waitForStatus(id, 'APPROVED');
  }, 60_000);

  test('every kind of page (200, 400, 403, 404, 409, recorded) sends Referrer-Policy no-referrer, a strict CSP and nosniff', async () => {
    const { link } = await pendingRequest();
    const page = await openLink(link);
    expectSecurityHeaders(page.headers, 'GET 200');
    const head = await openLink(link, 'HEAD');
    expectSecurityHeaders(head.headers, 'HEAD 200');

    const fetchHeaders = async (fields: Record<string, string | undefined>, contentType = 'application/x-www-form-urlencoded') => {
      const body = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== undefined) as Array<[string, string]>).toString();
      const response = await fetch(link, { method: 'POST', headers: { 'content-type': contentType }, body });
      await response.text();
      return response;
    };
    const invalid = await fetchHeaders({ decision: 'reject', antiForgery: page.antiForgery });
    expect(invalid.status).toBe(400);
    expectSecurityHeaders(invalid.headers, 'POST 400');
    const forbidden = await fetchHeaders({ decision: 'approve' });
    expect(forbidden.status).toBe(403);
    expectSecurityHeaders(forbidden.headers, 'POST 403');
    const unreadable = await fetchHeaders({ decision: 'approve', antiForgery: page.antiForgery }, 'text/plain');
    expect(unreadable.status).toBeGreaterThanOrEqual(400);
    expect(unreadable.status).toBeLessThan(500);
    expectSecurityHeaders(unreadable.headers, 'POST unreadable');
    const notFound = await fetch(alter(link));
    await notFound.text();
    expectSecurityHeaders(notFound.headers, 'GET 404');
    const recorded = await fetchHeaders({ decision: 'approve', antiForgery: page.antiForgery });
    expect(recorded.status).toBe(200);
    expectSecurityHeaders(recorded.headers, 'POST recorded');
    const decided = await fetchHeaders({ decision: 'approve', antiForgery: page.antiForgery });
    expect(decided.status).toBe(409);
    expectSecurityHeaders(decided.headers, 'POST 409');
  }, 60_000);
});
