/**
 * Split detection over HTTP with a policy that turns both optional settings on (`splits-city`:
 * a fiscal-year aggregate per vendor from July 1, and requests of every department related): a
 * Police request to a look-alike spelling of a vendor Public Works bought from this fiscal year is
 * routed at the aggregate tier; the API, the approval page and the request page name the earlier
 * request and give the fiscal-year total. Under sample-city (both off) another department's
 * purchase from the same vendor raises nothing.
 */
import { splitsCity } from '../fixtures/policies';
import { approvalLink, openLink, purchase, startHarness, type Harness } from './support/harness';

const PUBLIC_WORKS = { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' };
const POLICE = { name: 'Sam Ortega', email: 'sam.ortega@sample-city.example' };
const PARKS = { name: 'Kim Lowe', email: 'kim.lowe@sample-city.example' };
const POLICE_HEAD = 'laura.chen@sample-city.example';

let h: Harness;
jest.setTimeout(60_000);
beforeAll(async () => { h = await startHarness({ extraPolicies: [splitsCity] }); }, 60_000);
afterAll(async () => { await h?.close(); });

const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quotesFor = (vendor: string, amount: number) => ({
  type: 'quotes', quotes: [{ vendor, amount }, { vendor: 'Other One', amount: amount + 100 }, { vendor: 'Other Two', amount: amount + 200 }],
});

describe('splits-city: fiscal-year aggregate and splits across departments', () => {
  const vendor = unique('Harbor Signs');
  let first: { id: string; number?: string };
  let second: { id: string; title: string };

  beforeAll(async () => {
    const submitted = await h.api.submit(purchase({ policy: 'splits-city', title: unique('Street signs'), amount: 3000, department: 'Public Works', requester: PUBLIC_WORKS, vendor: { name: vendor } }));
    expect(submitted.status).toBe(202);
    const routed = await h.api.waitForStatus(submitted.body.id, 'PENDING_APPROVAL');
    expect(routed.flags).toEqual([]);
    first = { id: submitted.body.id, ...(routed.number ? { number: routed.number } : {}) };

    // Police types the same vendor with a Cyrillic а and a zero-width space
    const lookalike = vendor.replace('a', '\u0430').replace('Signs', 'Si\u200bgns');
    const title = unique('Patrol signs');
    const next = await h.api.submit(purchase({ policy: 'splits-city', title, amount: 3000, department: 'Police', requester: POLICE, vendor: { name: lookalike }, method: quotesFor(lookalike, 3000) }));
    expect(next.status).toBe(202);
    second = { id: next.body.id, title };
  });

  it('routes the second request at the aggregate tier, naming the other department\'s request and the fiscal-year total', async () => {
    const routed = await h.api.waitForStatus(second.id, 'PENDING_APPROVAL');
    expect(routed.tier).toMatchObject({ id: 'informal', basisCents: 600_000 });
    expect(routed.flags).toEqual([expect.objectContaining({
      type: 'split-suspected',
      aggregateCents: 600_000,
      earlier: [expect.objectContaining({ id: first.id, department: 'Public Works', amountCents: 300_000 })],
      fiscalYear: { from: expect.stringMatching(/^\d{4}-07-01T00:00:00\.000Z$/), totalCents: 600_000 },
    })]);
    expect(routed.flags[0].detail).toMatch(/^2 requests from any department to .+ (in the fiscal year from \d{4}-07-01|within 90 days) total \$6,000\.00/);
  });

  it('the approval page lists the earlier request and the fiscal-year total', async () => {
    const mail = await h.mail.waitFor(POLICE_HEAD, new RegExp(escapeRegExp(second.title)));
    const page = await openLink(approvalLink(mail));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<strong>Possible split purchase:</strong> 2 requests from any department');
    expect(page.html).toContain(`<ul class="earlier" aria-label="Earlier requests"><li><strong>${first.number ?? first.id}</strong> $3,000.00 <span class="muted">Public Works, `);
    expect(page.html).toMatch(/<p class="fiscal-year">Fiscal year from <time datetime="\d{4}-07-01">1 Jul \d{4}<\/time>: <strong>\$6,000\.00<\/strong> to this vendor, this request included<\/p>/);
  });

  it('the request page\'s history shows the flag in words', async () => {
    const page = await h.api.as(POLICE.email).call('GET', `/requests/${second.id}`, undefined, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Flagged: a possible split purchase');
    expect(page.text).toContain('2 requests from any department to');
  });

  it('under sample-city (both settings off) a third department buying from the same vendor raises nothing', async () => {
    const submitted = await h.api.submit(purchase({ policy: 'sample-city', title: unique('Park signs'), amount: 3000, department: 'Parks and Recreation', requester: PARKS, vendor: { name: vendor } }));
    expect(submitted.status).toBe(202);
    const routed = await h.api.waitForStatus(submitted.body.id, 'PENDING_APPROVAL');
    expect(routed.flags).toEqual([]);
    expect(routed.tier.id).toBe('micro');
  });
});
