/**
 * The new-request form page: escaped by construction, no script but the documents one its CSP
 * allows by hash (./request-form-documents.ts), every method section present,
 * errors in a summary and beside their fields, the "What will happen" preview, and Copy and fix.
 */
import { emptyForm, readRequestForm } from '../../../lambdas/app/request-form';
import { LIMITS } from '../../../lambdas/domain/limits';
import type { RoutingDecision } from '../../../lambdas/domain/types';
import { renderRequestForm, type RequestFormView } from '../../../lambdas/presentation/request-form';
import { DOCUMENTS_SCRIPT } from '../../../lambdas/presentation/request-form-documents';
import { HOSTILE, scriptFreeProblems } from './fixtures';

/** The page without the one script it may carry (allowed by its hash), for the script-free checks. */
const withoutDocumentsScript = (body: string) => body.replace(`<script>${DOCUMENTS_SCRIPT}</script>`, '');

const bearerViewer = { name: 'Ana Ruiz', email: 'ana.ruiz@city.example', roles: ['requester'], via: 'bearer' as const };
const sessionViewer = { ...bearerViewer, via: 'session' as const, formToken: 'ft.0123.sig' };

const aView = (overrides: Partial<RequestFormView> = {}): RequestFormView => ({
  viewer: bearerViewer,
  base: '/prod',
  requester: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' },
  department: 'Public Works',
  policies: [{ id: 'sample-city', name: 'Sample City purchasing policy' }],
  values: emptyForm('sample-city', 'AAAAAAAAAAAAAAAAAAAAAA'),
  ...overrides,
});

const aDecision = (overrides: Partial<RoutingDecision> = {}): RoutingDecision => ({
  status: 'PENDING_APPROVAL',
  policy: { id: 'sample-city', version: '2026.1' },
  tier: { id: 'formal', reason: '$120,000.00 is above $25,000', citation: 'Policy §3.3', basisCents: 12_000_000 },
  method: {
    type: 'cooperative', selectedBy: 'requester', eligible: true,
    checks: [{ id: 'contract-active', passed: true, detail: 'NCPA contract 01-97 is active', citation: 'Policy §5.1' }],
  },
  checkpoints: [
    { index: 0, role: 'department-head', roleTitle: 'Department Head', approver: { name: 'Dana Ortiz', email: 'd@x' }, escalation: { name: 'E', email: 'e@x' }, reason: 'every request', citation: 'Policy §4.1' },
    { index: 1, role: 'purchasing-agent', roleTitle: 'Purchasing Agent', approver: { name: 'Casey Morgan', email: 'c@x' }, onBehalfOf: { name: 'Jordan Blake', email: 'j@x' }, escalation: { name: 'E', email: 'e@x' }, reason: 'formal tier' },
  ],
  flags: [],
  reasons: [],
  routedAt: '2026-11-28T12:00:00.000Z',
  ...overrides,
});

const bodyOf = (view: RequestFormView) => withoutDocumentsScript(renderRequestForm(view).body);

describe('the new-request form', () => {
  it('is a signed-in page with the header on "New request", no other script, and every input labelled', () => {
    const rendered = renderRequestForm(aView());
    const page = { ...rendered, body: withoutDocumentsScript(rendered.body) };
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<a href="/prod/requests/new" aria-current="page">New request</a>');
    expect(page.body).not.toMatch(/<script|\son\w+=/i);
    expect(page.body).toContain('<form method="post" action="/prod/requests/new"');
    const ids = [...page.body.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(30);
    // A file input is named by its place's label (aria-labelledby), which the script shows it beside.
    for (const id of ids) expect([id, page.body.includes(`<label for="${id}">`) || new RegExp(`id="${id}"[^>]*aria-labelledby="${id.replace(/-file$/, '-label')}"`).test(page.body)]).toEqual([id, true]);
  });

  it('passes the script-free check in every state: empty, with errors, with a preview, copied', () => {
    const states = [
      aView(),
      aView({ errors: [{ field: 'title', message: 'must not be empty' }] }),
      aView({ preview: aDecision() }),
      aView({ copiedFrom: { id: 'x', label: 'PR-1', href: '/prod/requests/x', status: 'returned', reasons: [{ message: 'fix it' }] } }),
    ];
    for (const view of states) expect(scriptFreeProblems(bodyOf(view))).toEqual([]);
  });

  it('shows the requester and department from the profile and never asks for them', () => {
    const body = bodyOf(aView());
    expect(body).toContain('<dt>Department</dt><dd>Public Works</dd>');
    expect(body).not.toMatch(/name="(department|requester)/);
    expect(body).toContain('<input type="hidden" name="policy" value="sample-city">');
  });

  it('offers a choice of policy only when several cover the department', () => {
    const body = bodyOf(aView({ policies: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], values: emptyForm('b', 'k') }));
    expect(body).toContain('<select id="f-policy" name="policy"');
    expect(body).toContain('<option value="b" selected>B</option>');
  });

  it('has every method with a section, the limits of the schema and phone-friendly inputs', () => {
    const body = bodyOf(aView());
    for (const m of ['quotes', 'cooperative', 'piggyback', 'state-contract', 'sole-source', 'emergency']) expect(body).toContain(`id="rf-section-${m}"`);
    expect(body).toContain('Fill the section for the method you choose');
    expect(body).toContain(`name="title" value="" maxlength="${LIMITS.title}"`);
    expect(body).toContain(`maxlength="${LIMITS.justification}"`);
    expect(body).toMatch(/name="amount"[^>]*inputmode="decimal"/);
    expect(body).toMatch(/name="vendor"[^>]*autocomplete="organization"/);
    expect(body).toMatch(/name="neededBy"[^>]*|type="date" id="f-neededBy"/);
    expect(body).toContain('id="f-method-policy" name="method" value="" checked');
    expect((body.match(/name="quotes\[\d+\]\.vendor"/g) ?? []).length).toBe(3);
    expect(body).toContain('<input type="hidden" name="quoteRows" value="3">');
  });

  it('makes Preview the button Enter presses: the first submit button of the form, hidden from sight and from screen readers', () => {
    const body = bodyOf(aView());
    const firstButton = /<form[^>]*>[\s\S]*?(<button[^>]*>)/.exec(body)?.[1];
    expect(firstButton).toBe('<button type="submit" name="action" value="preview" class="rf-default" tabindex="-1" aria-hidden="true">');
  });

  it('carries the session\'s anti-forgery value, and none for a bearer caller', () => {
    expect(bodyOf(aView({ viewer: sessionViewer }))).toContain('<input type="hidden" name="formToken" value="ft.0123.sig">');
    expect(bodyOf(aView())).not.toContain('name="formToken"');
  });

  it('escapes everything typed, everywhere it is echoed', () => {
    const hostile = readRequestForm({
      title: HOSTILE, description: HOSTILE, amount: HOSTILE, vendor: HOSTILE, neededBy: HOSTILE, method: 'quotes',
      'quotes[0].vendor': HOSTILE, 'cooperative.alliance': HOSTILE, 'sole-source.justification': HOSTILE, submissionKey: HOSTILE,
    });
    const body = bodyOf(aView({
      values: hostile,
      errors: [{ field: 'title', message: HOSTILE }, { field: 'requester', message: HOSTILE }],
      copiedFrom: { id: HOSTILE, label: HOSTILE, href: '/x', status: 'returned', reasons: [{ message: HOSTILE, citation: HOSTILE }] },
    }));
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;');
  });
});

describe('errors', () => {
  const values = readRequestForm({ title: '', amount: 'a lot', method: 'quotes', 'quotes[0].vendor': 'Acme', 'quotes[2].vendor': 'Beta', quoteRows: '3' });
  const page = renderRequestForm(aView({
    values,
    errors: [
      { field: 'amount', message: 'must be an amount in dollars, such as 1250 or 1,250.00' },
      { field: 'title', message: 'must not be empty' },
      { field: 'method.quotes[1].amount', message: 'is required' },
      { field: 'requester', message: 'the requester is the signed-in person' },
    ],
  }));

  it('answer 400 with "Error:" in the title and a summary linking to each field', () => {
    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/<title>Error: New purchase request/);
    expect(page.body).toContain('There is a problem');
    expect(page.body).toContain('<a href="#f-title">Title: must not be empty</a>');
    expect(page.body).toContain('<a href="#f-amount">Amount in US dollars: must be an amount in dollars');
    expect(page.body).toContain('<a href="#f-quotes-2-amount">Quote 3: amount: is required</a>');
    // In the order of the page, whatever order the checks found them in.
    expect(page.body.indexOf('href="#f-title"')).toBeLessThan(page.body.indexOf('href="#f-amount"'));
    // No input for it: told, not linked.
    expect(page.body).toContain('<li>requester: the requester is the signed-in person</li>');
  });

  it('sit beside their fields, which are marked invalid and described by them; the typed values stay', () => {
    expect(page.body).toMatch(/<p class="field-error" id="f-title-error">[\s\S]*?must not be empty<\/p><input type="text" id="f-title" name="title" value=""[^>]* aria-invalid="true" aria-describedby="f-title-hint f-title-error">/);
    expect(page.body).toMatch(/id="f-quotes-2-amount" name="quotes\[2\]\.amount" value=""[^>]*aria-invalid="true"/);
    expect(page.body).not.toMatch(/id="f-quotes-1-amount"[^>]*aria-invalid/);
    expect(page.body).toContain('value="a lot"');
    expect(page.body).toContain('value="Beta"');
  });

  it('hide any preview: a preview is only shown for a form without errors', () => {
    const body = bodyOf(aView({ values, errors: [{ field: 'title', message: 'must not be empty' }], preview: aDecision() }));
    expect(body).not.toContain('What will happen');
  });
});

describe('"What will happen"', () => {
  it('shows the tier with its reason and citation, the checklist, and each approver by name in order', () => {
    const body = bodyOf(aView({ preview: aDecision() }));
    expect(body).toContain('It would go to 2 approvers, one after another.');
    expect(body).toContain('Tier: formal');
    expect(body).toContain('$120,000.00 is above $25,000<cite>Policy §3.3</cite>');
    expect(body).toContain('Method: Cooperative contract <span class="rf-by">(your choice)</span>');
    expect(body).toMatch(/Pass:<\/span> NCPA contract 01-97 is active<cite>Policy §5.1<\/cite>/);
    expect(body).toMatch(/1\. Department Head: Dana Ortiz[\s\S]*2\. Purchasing Agent: Casey Morgan<\/strong> <span class="rf-by">on behalf of Jordan Blake<\/span>/);
    expect(body).toContain('<button type="submit" name="action" value="submit" class="rf-primary">Submit this request</button>');
    expect(renderRequestForm(aView({ preview: aDecision() })).statusCode).toBe(200);
  });

  it('for a request that would come back, says what to fix (linked to the field) and offers no "Submit this request"', () => {
    const body = bodyOf(aView({
      values: readRequestForm({ method: 'sole-source' }),
      preview: aDecision({
        status: 'RETURNED', checkpoints: [],
        method: { type: 'sole-source', selectedBy: 'requester', eligible: false, checks: [{ id: 'ground', passed: false, detail: 'no ground given', citation: '2 CFR 200.320(c)' }] },
        reasons: [{ code: 'method-check-failed', message: 'name the ground for a sole source', field: 'method.ground', citation: '2 CFR 200.320(c)' }],
      }),
    }));
    expect(body).toContain('It would come back to you to fix');
    expect(body).toContain('<a href="#f-sole-source-ground">name the ground for a sole source</a>');
    expect(body).not.toContain('Submit this request');
  });
});

describe('Copy and fix', () => {
  it('names the request copied from and lists why it was returned, linked to the fields to fix', () => {
    const body = bodyOf(aView({
      copiedFrom: {
        id: '01JREQ0000000000000000000A', label: 'PR-2026-000123', href: '/prod/requests/01JREQ0000000000000000000A', status: 'returned',
        reasons: [{ message: 'choose a method: the informal tier has no default', field: 'method', citation: 'Policy §3.2' }],
      },
    }));
    expect(body).toContain('Copied from <a href="/prod/requests/01JREQ0000000000000000000A">PR-2026-000123</a>');
    expect(body).toContain('It was returned for this reason.');
    expect(body).toContain('<a href="#f-method-policy">choose a method: the informal tier has no default</a><cite>Policy §3.2</cite>');
    expect(body).toContain('<input type="hidden" name="copiedFrom" value="01JREQ0000000000000000000A">');
  });
});
