/**
 * Line items over the API: the amount is their sum, a disagreeing amount or an account off the
 * policy's pattern is a 400 naming the field (nothing stored), and the approval page shows the
 * lines with their accounts and, for a suspected split, the earlier requests.
 */
import { approvalLink, openLink, purchase, startHarness, type Harness } from './support/harness';

const DEPT_HEAD = 'dana.ortiz@sample-city.example';
let h: Harness;

jest.setTimeout(30_000);
beforeAll(async () => { h = await startHarness(); }, 60_000);
afterAll(async () => { await h?.close(); });

const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;
const lines = [
  { description: 'Park bench, recycled plastic', quantity: 2, unitPrice: 450, account: '101-21-5200' },
  { description: 'Delivery and anchoring', quantity: 1.5, unitPrice: 120, account: '101-21-6100' },
];
/** A valid body with lines and no amount (the harness's example carries one), then `over`. */
const withLines = (over: Record<string, unknown> = {}): Record<string, unknown> => {
  const { amount: _amount, ...body } = purchase({ title: unique('Benches'), vendor: { name: unique('Bench Co') }, lines });
  return { ...body, ...over };
};
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('POST /requests with lines', () => {
  it('202: the amount is the sum of the lines ($1,080.00) and the lines come back in dollars', async () => {
    const submitted = await h.api.submit(withLines());
    expect(submitted.status).toBe(202);
    const view = await h.api.waitForStatus(submitted.body.id, 'PENDING_APPROVAL');
    expect(view.request).toMatchObject({ amount: 1080, lines });
  });

  it.each([
    ['an amount that is not the sum', 'amount', { amount: 1000 }],
    ['an account off the pattern fund-department-object', 'lines[1].account', { lines: [lines[0], { ...lines[1], account: '1010-21-6100' }] }],
    ['a quantity of zero', 'lines[0].quantity', { lines: [{ ...lines[0], quantity: 0 }] }],
    ['a line without an account', 'lines[0].account', { lines: [{ description: 'Bench', quantity: 1, unitPrice: 450 }] }],
    ['no amount and no lines', 'amount', { lines: undefined }],
  ])('400 for %s, naming %s; nothing stored', async (_case, field, over) => {
    const before = await h.api.countRequests();
    const body: Record<string, unknown> = withLines(over);
    for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
    const response = await h.api.submit(body);
    expect(response.status).toBe(400);
    expect(response.body.error.fields.map((f: { field: string }) => f.field)).toEqual([field]);
    expect(await h.api.countRequests()).toBe(before);
  });
});

describe('the approval page', () => {
  it('shows the lines and the account each is charged to', async () => {
    const body = withLines();
    const submitted = await h.api.submit(body);
    expect(submitted.status).toBe(202);
    const mail = await h.mail.waitFor(DEPT_HEAD, new RegExp(escapeRegExp(String(body.title).slice(0, 40))));
    const page = await openLink(approvalLink(mail));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h2 id="lines-heading">Lines</h2>');
    expect(page.html).toContain('<code>101-21-5200</code>');
    expect(page.html).toContain('Delivery and anchoring');
    expect(page.html).toContain('1.5 × $120.00 = $180.00');
    expect(page.html).toContain('Total of the lines: <strong>$1,080.00</strong>');
  });

  it('names the earlier request of a suspected split', async () => {
    const vendor = unique('Split Supply');
    const first = await h.api.submit(purchase({ title: unique('First half'), amount: 3000, vendor: { name: vendor } }));
    expect(first.status).toBe(202);
    await h.api.waitForStatus(first.body.id, 'PENDING_APPROVAL');
    const title = unique('Second half');
    const quotes = { type: 'quotes', quotes: [{ vendor, amount: 3000 }, { vendor: 'Other One', amount: 3100 }, { vendor: 'Other Two', amount: 3200 }] };
    // the same vendor with a Cyrillic е and a soft hyphen: still the same vendor
    const lookalike = vendor.replace('e', '\u0435').replace('Split', 'Sp\u00adlit');
    const second = await h.api.submit(purchase({ title, amount: 3000, vendor: { name: lookalike }, method: quotes }));
    expect(second.status).toBe(202);
    const routed = await h.api.waitForStatus(second.body.id, 'PENDING_APPROVAL');
    expect(routed.flags[0]).toMatchObject({ type: 'split-suspected', earlier: [expect.objectContaining({ id: first.body.id })] });
    const mail = await h.mail.waitFor(DEPT_HEAD, new RegExp(escapeRegExp(title)));
    const page = await openLink(approvalLink(mail));
    expect(page.html).toContain('Possible split purchase');
    expect(page.html).toMatch(new RegExp(`<ul class="earlier" aria-label="Earlier requests"><li><strong>(${first.body.id}|PR-[0-9-]+)</strong> \\$3,000.00`));
  });
});
