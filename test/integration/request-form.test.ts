/**
 * The new-request form over HTTP, as a browser (or a script with a bearer token) posts it: the
 * preview shows what POST /routing/preview decides, Submit stores the request through the same
 * use case as POST /requests and answers 303 to its page, a bad form comes back 400 with each
 * error beside its field and nothing stored, a repeated submission is one request, and "Copy and
 * fix" starts from a returned request with its reasons on top.
 */
import { escapeHtml } from '../../lambdas/presentation';
import { purchase, startHarness, type Harness } from './support/harness';
import { REQUESTER } from './support/people';

jest.setTimeout(30_000);

let h: Harness;
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

interface Page { status: number; html: string; location: string | null }

const bearer = async (email = REQUESTER.email) => ({ authorization: `Bearer ${await h.api.tokenFor(email)}` });

const getForm = async (query = '', headers?: Record<string, string>): Promise<Page> => {
  const response = await fetch(`${h.stack.apiUrl}/requests/new${query}`, { headers: headers ?? await bearer(), redirect: 'manual' });
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
};

const postForm = async (fields: Record<string, string>, headers?: Record<string, string>): Promise<Page> => {
  const response = await fetch(`${h.stack.apiUrl}/requests/new`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(headers ?? await bearer()) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
};

const hidden = (html: string, name: string): string | undefined =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

/** A cooperative purchase of $120,000 as a person fills the form in. */
const cooperativeForm = async (overrides: Record<string, string> = {}): Promise<Record<string, string>> => {
  const page = await getForm();
  return {
    submissionKey: hidden(page.html, 'submissionKey')!,
    policy: 'sample-city',
    title: 'Handheld ticket writers',
    description: 'Replace 40 handhelds',
    amount: '$120,000.00',
    category: 'goods',
    vendor: 'Acme Mobility',
    fundingSource: 'local',
    neededBy: '2027-03-01',
    method: 'cooperative',
    'cooperative.alliance': 'NCPA',
    'cooperative.contractNumber': '01-97',
    'cooperative.expires': '2028-06-30',
    'cooperative.scopeCovers': 'yes',
    // Another section typed in and then left: it must not reach the request.
    'emergency.justification': 'never mind',
    ...overrides,
  };
};

test('the form shows the signed-in person and their department, and carries a submission key', async () => {
  const page = await getForm();
  expect(page.status).toBe(200);
  expect(page.html).toContain('Ana Ruiz');
  expect(page.html).toMatch(/<dt>Department<\/dt><dd>Public Works<\/dd>/);
  expect(page.html).toContain('aria-current="page"');
  expect(hidden(page.html, 'submissionKey')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  // No department field to type: it is not the person's to choose.
  expect(page.html).not.toMatch(/name="department"/);
  expect(page.html).toMatch(/name="amount"[^>]*inputmode="decimal"|inputmode="decimal"[^>]*name="amount"/);
});

test('a browser with no credentials is sent to sign in; a POST without them gets a 401 page', async () => {
  const page = await getForm('', {});
  expect(page.status).toBe(303);
  expect(page.location).toBe(`/sign-in?${new URLSearchParams({ next: '/requests/new' })}`);
  const posted = await postForm({ title: 'x' }, {});
  expect(posted.status).toBe(401);
});

test('Preview shows what POST /routing/preview decides: tier, checklist and the approvers by name; nothing is stored', async () => {
  const before = await h.api.countRequests();
  const page = await postForm({ ...(await cooperativeForm()), action: 'preview' });
  expect(page.status).toBe(200);
  expect(page.html).toContain('What will happen');

  const decision = (await h.api.call('POST', '/routing/preview', purchase({ amount: 120000, method: { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true } }))).body;
  expect(decision.status).toBe('PENDING_APPROVAL');
  expect(page.html).toContain(`Tier: ${decision.tier.id}`);
  expect(page.html).toContain(escapeHtml(decision.tier.reason));
  expect(decision.checkpoints.length).toBeGreaterThan(1);
  for (const cp of decision.checkpoints) expect(page.html).toContain(escapeHtml(`${cp.roleTitle}: ${cp.approver.name}`));
  for (const check of decision.method.checks) expect(page.html).toContain(escapeHtml(check.detail));
  // The values stay in the form under the preview.
  expect(page.html).toContain('value="$120,000.00"');
  expect(await h.api.countRequests()).toBe(before);
});

test('Submit stores the request through the API\'s use case and answers 303 to its page; a repeat of the same form is the same request', async () => {
  const fields: Record<string, string> = { ...(await cooperativeForm({ title: 'Form-submitted handhelds' })), action: 'submit' };
  const before = await h.api.countRequests();
  const first = await postForm(fields);
  expect(first.status).toBe(303);
  const id = /^\/requests\/([0-9A-Z]{26})$/.exec(first.location ?? '')?.[1];
  expect(id).toBeDefined();

  // A double click: the same form again is the same request, not a second one.
  const second = await postForm(fields);
  expect(second.status).toBe(303);
  expect(second.location).toBe(first.location);
  expect(await h.api.countRequests()).toBe(before + 1);

  const stored = await h.api.as(REQUESTER.email).get(id!);
  expect(stored.status).toBe(200);
  expect(stored.body.request).toMatchObject({
    title: 'Form-submitted handhelds', amount: 120000, department: 'Public Works',
    requester: { email: REQUESTER.email }, vendor: { name: 'Acme Mobility' },
    method: { type: 'cooperative', alliance: 'NCPA', contractNumber: '01-97', expires: '2028-06-30', scopeCovers: true },
  });

  // The same form key with other values (Back, edit, Submit) does not overwrite the first request.
  const changed = await postForm({ ...fields, title: 'Something else' });
  expect(changed.status).toBe(409);
  expect(changed.html).toContain('already submitted');
  expect(hidden(changed.html, 'submissionKey')).not.toBe(fields.submissionKey);
  expect(await h.api.countRequests()).toBe(before + 1);
});

test('a bad form comes back 400 with each error beside its field, a summary linking to them, the values kept and nothing stored', async () => {
  const before = await h.api.countRequests();
  const page = await postForm({
    ...(await cooperativeForm()),
    title: '',
    amount: '12 dollars',
    method: 'quotes',
    'quotes[0].vendor': 'Acme', 'quotes[0].amount': '900',
    // Row 2 left blank; row 3 has a vendor and no amount: the API's quotes[1] is this row.
    'quotes[2].vendor': 'Beta Supply',
    action: 'submit',
  });
  expect(page.status).toBe(400);
  expect(page.html).toContain('There is a problem');
  expect(page.html).toContain('href="#f-title"');
  expect(page.html).toContain('href="#f-amount"');
  expect(page.html).toContain('href="#f-quotes-2-amount"');
  expect(page.html).toMatch(/id="f-title" name="title" value=""[^>]*aria-invalid="true"/);
  expect(page.html).toMatch(/id="f-amount-error"[^<]*<span[^>]*>Error: <\/span>must be an amount in dollars/);
  expect(page.html).toMatch(/id="f-quotes-2-amount" name="quotes\[2\]\.amount" value=""[^>]*aria-invalid="true"/);
  expect(page.html).not.toMatch(/id="f-quotes-1-amount"[^>]*aria-invalid/);
  expect(page.html).toContain('value="12 dollars"');
  expect(page.html).toContain('value="Beta Supply"');
  expect(page.html).toMatch(/<title>Error: /);
  expect(await h.api.countRequests()).toBe(before);
});

test('"Add another quote" brings the form back with one more row and what was typed', async () => {
  const page = await postForm({ ...(await cooperativeForm()), method: 'quotes', 'quotes[1].vendor': 'Beta Supply', quoteRows: '3', action: 'add-quote' });
  expect(page.status).toBe(200);
  expect(page.html).toContain('name="quotes[3].vendor"');
  expect(page.html).not.toContain('name="quotes[4].vendor"');
  expect(hidden(page.html, 'quoteRows')).toBe('4');
  expect(page.html).toContain('value="Beta Supply"');
  expect(page.html).not.toContain('There is a problem');
});

test('Copy and fix: a returned request fills the form with its reasons on top, and the fixed copy goes to approval', async () => {
  // $12,000 with no method: the informal tier names no default, so it comes back to the requester.
  // A vendor of its own, so the other tests' purchases never count towards a split with it.
  const submitted = await h.api.submit(purchase({ title: 'Mowers for the parks', amount: 12000, vendor: { name: 'Parkside Mowers' } }));
  expect(submitted.status).toBe(202);
  const returned = await h.api.waitForStatus(submitted.body.id, 'RETURNED');
  const reasons: Array<{ message: string }> = returned.reasons;
  expect(reasons.length).toBeGreaterThan(0);

  const page = await getForm(`?from=${submitted.body.id}`);
  expect(page.status).toBe(200);
  expect(page.html).toContain('Copied from');
  for (const reason of reasons) expect(page.html).toContain(escapeHtml(reason.message));
  expect(page.html).toContain('value="Mowers for the parks"');
  expect(page.html).toContain('value="12000"');
  expect(page.html).toContain(`name="copiedFrom" value="${submitted.body.id}"`);

  const fields = {
    submissionKey: hidden(page.html, 'submissionKey')!, copiedFrom: submitted.body.id, policy: 'sample-city',
    title: 'Mowers for the parks', amount: '12000', category: 'goods', vendor: 'Parkside Mowers', fundingSource: 'local',
    method: 'quotes',
    'quotes[0].vendor': 'Parkside Mowers', 'quotes[0].amount': '12000',
    'quotes[1].vendor': 'Green Blade', 'quotes[1].amount': '12,400.00',
    'quotes[2].vendor': 'Turf & Co', 'quotes[2].amount': '13100',
    action: 'submit',
  };
  const fixed = await postForm(fields);
  expect(fixed.status).toBe(303);
  const id = fixed.location!.split('/').pop()!;
  await h.api.as(REQUESTER.email).waitForStatus(id, 'PENDING_APPROVAL');
});

test('a request the person may not read cannot be copied: the empty form, 404, nothing about it shown', async () => {
  const theirs = await h.api.submit(purchase({ title: 'Secret radios', requester: { name: 'Sam Ortega', email: 'sam.ortega@sample-city.example' }, department: 'Police' }));
  expect(theirs.status).toBe(202);
  const page = await getForm(`?from=${theirs.body.id}`);
  expect(page.status).toBe(404);
  expect(page.html).not.toContain('Secret radios');
  expect((await getForm('?from=not-an-id')).status).toBe(404);
});

test('a bearer caller needs no form token; an unknown method is named as the API names it', async () => {
  const page = await postForm({ ...(await cooperativeForm()), method: 'barter', action: 'preview' });
  expect(page.status).toBe(400);
  expect(page.html).toContain('href="#f-method-policy"');
  expect(page.html).toMatch(/must be one of: direct, quotes/);
});
