/**
 * The registry's pure core: a contract method's checks computed from registry facts (with who
 * verified them), the scope by category, the term against needed-by, an unknown contract, the
 * requester's booleans refused beside a contractId, verification kept across edits, search and
 * the once-each alert rule.
 */
import {
  dueAlerts, parseContract, searchContracts, verifyFacts, type ContractFacts, type FactKey, type VerifiedFact,
} from '../../../lambdas/domain/contracts';
import { parsePurchaseRequest, routeRequest } from '../../../lambdas/domain';
import { AT, request, sampleCity, validBody } from '../domain/helpers';

const JORDAN = { id: 'p-jordan-blake', name: 'Jordan Blake', email: 'jordan.blake@sample-city.example' };
const verified = (value: boolean): VerifiedFact => ({ value, verifiedBy: JORDAN, verifiedAt: '2026-10-02T09:00:00.000Z' });
const ID = '01JCONTRACT0000000000000000'.slice(0, 26).replace(/[ILOU]/g, 'A');

const contract = (over: Partial<ContractFacts> = {}): ContractFacts => ({
  id: ID, vehicle: 'cooperative', number: '01-97', supplier: 'Acme Mobility', gpo: 'NCPA', gpoModel: 'lead-agency', leadAgency: 'City of Fresno',
  addendumRequired: false,
  facts: { leadAgencyPublic: verified(true), competitivelyBid: verified(true), cooperativeLanguage: verified(true) },
  categories: ['goods'], scope: 'handhelds', termStart: '2025-01-01', termEnd: '2028-06-30', documentIds: [],
  ...over,
});

/** The DESIGN example, buying under the registered contract instead of declaring its facts. */
const underContract = (over: Record<string, unknown> = {}) =>
  request({ method: { type: 'cooperative', contractId: ID }, ...over });

const routeWith = (c: ContractFacts | undefined, over: Record<string, unknown> = {}) =>
  routeRequest(underContract(over), { policy: sampleCity, history: [], at: AT, ...(c ? { contract: c } : {}) });

describe('checks from the registry', () => {
  it('every check passes from verified facts, each naming who verified it, and nothing is flagged', () => {
    const d = routeWith(contract());
    expect(d.status).toBe('PENDING_APPROVAL');
    expect(d.flags).toEqual([]);
    expect(d.method.checks.map((c) => c.id)).toEqual([
      'contract-identified', 'contract-vehicle', 'contract-active', 'scope-covers', 'lead-agency-public', 'competitively-bid', 'cooperative-language',
    ]);
    expect(d.method.checks.every((c) => c.passed)).toBe(true);
    expect(d.method.checks.find((c) => c.id === 'lead-agency-public')!.detail).toBe(
      'the lead agency (City of Fresno) is a public agency — verified by Jordan Blake on 2026-10-02',
    );
  });

  it('a contract that ends before needed-by is RETURNED with the term as the reason', () => {
    const d = routeWith(contract({ termEnd: '2027-02-01' }));
    expect(d.status).toBe('RETURNED');
    expect(d.reasons).toEqual([expect.objectContaining({
      code: 'check-failed', checkId: 'contract-active', field: 'method.contractId',
      message: 'Cooperative contract: contract ends 2027-02-01, before 2027-03-01 (needed by)',
    })]);
  });

  it('a category outside the contract scope is RETURNED, naming the category and the scope', () => {
    const d = routeWith(contract(), { category: 'services' });
    expect(d.status).toBe('RETURNED');
    expect(d.reasons.map((r) => r.checkId)).toEqual(['scope-covers']);
    expect(d.reasons[0]!.message).toContain("the request is services, outside the contract's scope (goods)");
  });

  it('several lines under one contract: each line is checked against the scope, and the checklist names the line outside it', () => {
    const lines = (second: string | undefined) => ({
      amount: undefined,
      category: 'goods',
      lines: [
        { description: 'Handheld ticket writers', quantity: 10, unitPrice: 1200, account: '101-20-5300' },
        { description: 'Ticketing software', quantity: 1, unitPrice: 8000, account: '101-20-5400', ...(second ? { category: second } : {}) },
      ],
    });
    const within = routeWith(contract({ categories: ['goods', 'technology'] }), lines('technology'));
    expect(within.method.checks.find((c) => c.id === 'scope-covers')).toMatchObject({
      passed: true, detail: "all 2 lines are within the contract's scope (goods, technology)",
    });
    const outside = routeWith(contract({ categories: ['goods'] }), lines('technology'));
    expect(outside.status).toBe('RETURNED');
    expect(outside.reasons.map((r) => r.message)).toEqual([
      "Cooperative contract: line 2 (Ticketing software) is technology, outside the contract's scope (goods)",
    ]);
    // A line without its own category is the request's.
    expect(routeWith(contract({ categories: ['goods'] }), lines(undefined)).status).toBe('PENDING_APPROVAL');
  });

  it('a line category that is not one of the categories is refused, naming the line', () => {
    const parsed = parsePurchaseRequest({ ...validBody(), amount: undefined, lines: [{ description: 'Tablets', quantity: 1, unitPrice: 500, account: '101-20-5300', category: 'furniture' }] });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toEqual(['lines[0].category']);
  });

  it('an unverified or refuted fact fails its check; the addendum counts only when the contract needs one', () => {
    const d = routeWith(contract({ addendumRequired: true, facts: { leadAgencyPublic: verified(false), competitivelyBid: verified(true) } }));
    const failed = Object.fromEntries(d.method.checks.filter((c) => !c.passed).map((c) => [c.id, c.detail]));
    expect(failed).toEqual({
      'lead-agency-public': 'the lead agency (City of Fresno) is not shown to be a public agency — verified by Jordan Blake on 2026-10-02',
      'cooperative-language': 'not verified in the registry: the solicitation and contract are not shown to allow use by other agencies (cooperative language)',
      'addendum-on-file': 'not verified in the registry: the membership agreement is not on file',
    });
  });

  it('with federal funds the 2 CFR 200 fact is required of a piggyback', () => {
    const piggy = contract({ vehicle: 'piggyback', gpo: undefined, gpoModel: undefined, leadAgency: 'City of Key West' });
    const r = request({ method: { type: 'piggyback', contractId: ID }, fundingSource: 'federal' });
    const d = routeRequest(r, { policy: sampleCity, history: [], at: AT, contract: piggy });
    expect(d.method.checks.find((c) => c.id === 'procured-under-2cfr200')).toMatchObject({ passed: false });
    const ok = routeRequest(r, { policy: sampleCity, history: [], at: AT, contract: { ...piggy, facts: { ...piggy.facts, procuredUnder2CFR200: verified(true) } } });
    expect(ok.method.checks.find((c) => c.id === 'procured-under-2cfr200')).toMatchObject({ passed: true });
  });

  it('a contract of another vehicle, or one the registry does not hold, is RETURNED pointing at contractId', () => {
    expect(routeWith(contract({ vehicle: 'state-contract', state: 'California' })).reasons.map((r) => r.checkId)).toContain('contract-vehicle');
    const unknown = routeWith(undefined);
    expect(unknown.status).toBe('RETURNED');
    expect(unknown.reasons[0]).toMatchObject({ checkId: 'contract-identified', field: 'method.contractId' });
  });

  it('an unregistered contract keeps its declared checks and is flagged for purchasing to verify', () => {
    const d = routeRequest(request(), { policy: sampleCity, history: [], at: AT });
    expect(d.status).toBe('PENDING_APPROVAL');
    expect(d.flags).toEqual([{ type: 'contract-unverified', detail: expect.stringContaining('Purchasing verifies them against the contract documents at its checkpoint') }]);
    expect(d.checkpoints.map((c) => c.role)).toContain('purchasing-agent');
  });

  it('beside a contractId the requester may not declare the facts', () => {
    const body = { ...validBody(), method: { type: 'cooperative', contractId: ID, scopeCovers: true, expires: '2028-01-01' } };
    const parsed = parsePurchaseRequest(body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual([
      { field: 'method.expires', message: 'comes from the registered contract (contractId); leave it out' },
      { field: 'method.scopeCovers', message: 'comes from the registered contract (contractId); leave it out' },
    ]);
  });
});

describe('the contract body', () => {
  const body = {
    vehicle: 'cooperative', number: '01-97', supplier: 'Acme', gpo: 'NCPA', gpoModel: 'lead-agency', leadAgency: 'City of Fresno',
    categories: ['goods'], termStart: '2025-01-01', termEnd: '2028-06-30', ceiling: 1000.5, facts: { competitivelyBid: true },
  };

  it('parses dollars to cents and fills the defaults', () => {
    const parsed = parseContract(body);
    expect(parsed).toEqual({ ok: true, value: expect.objectContaining({ ceilingCents: 100050, addendumRequired: false, documentIds: [], scope: '', facts: { competitivelyBid: true } }) });
  });

  it('names each missing or inconsistent field', () => {
    const parsed = parseContract({ ...body, gpoModel: 'lead-agency', leadAgency: undefined, termEnd: '2024-01-01', categories: [], facts: { madeUp: true } });
    expect(!parsed.ok && parsed.errors.map((e) => e.field).sort()).toEqual(['categories', 'facts.madeUp', 'leadAgency', 'termEnd']);
    const cross = parseContract({ ...body, leadAgency: undefined, termEnd: '2024-01-01' });
    expect(!cross.ok && cross.errors).toEqual([
      { field: 'leadAgency', message: 'is required under the lead-agency model' },
      { field: 'termEnd', message: 'must not be before termStart' },
    ]);
    expect(!parseContract({ ...body, vehicle: 'piggyback', leadAgency: undefined }).ok).toBe(true);
  });

  it('an edit keeps the first verification of an unchanged answer and re-verifies a changed one', () => {
    const casey = { id: 'p-casey-morgan', name: 'Casey Morgan', email: 'casey.morgan@sample-city.example' };
    const before: Partial<Record<FactKey, VerifiedFact>> = { competitivelyBid: verified(true), cooperativeLanguage: verified(false) };
    const after = verifyFacts(before, { competitivelyBid: true, cooperativeLanguage: true }, casey, '2026-11-20T10:00:00.000Z');
    expect(after.competitivelyBid).toBe(before.competitivelyBid);
    expect(after.cooperativeLanguage).toEqual({ value: true, verifiedBy: casey, verifiedAt: '2026-11-20T10:00:00.000Z' });
  });
});

describe('search', () => {
  const all = [
    contract({ id: 'A', supplier: 'Acme Mobility', scope: 'rugged tablets' }),
    contract({ id: 'B', supplier: 'Brightway Lighting', number: 'SW-1', categories: ['construction'], termEnd: '2026-11-15' }),
  ];
  it('finds by supplier, scope or number words, by category, and active only', () => {
    const ids = (s: Parameters<typeof searchContracts>[1]) => searchContracts(all, s).map((c) => c.id);
    expect(ids({ q: 'acme', date: '2026-12-01' })).toEqual(['A']);
    expect(ids({ q: 'RUGGED tab', date: '2026-12-01' })).toEqual(['A']);
    expect(ids({ q: 'sw-1', date: '2026-12-01' })).toEqual(['B']);
    expect(ids({ category: 'construction', date: '2026-12-01' })).toEqual(['B']);
    expect(ids({ active: true, date: '2026-12-01' })).toEqual(['A']);
    expect(ids({ date: '2026-12-01' })).toEqual(['A', 'B']);
  });
});

describe('the watch rule', () => {
  const c = { ...contract({ termEnd: '2027-03-01', ceilingCents: 100_000_00 }) };
  it('sends the 90, 60 and 30 day notices once each as the days pass', () => {
    let sent: string[] = [];
    const run = (today: string) => {
      const due = dueAlerts(c, 0, sent, today);
      sent = [...sent, ...due.record];
      return due.send.map((a) => a.key);
    };
    expect(run('2026-11-30')).toEqual([]);
    expect(run('2026-12-01')).toEqual(['expiry-90']);
    expect(run('2026-12-02')).toEqual([]);
    expect(run('2026-12-31')).toEqual(['expiry-60']);
    expect(run('2027-01-30')).toEqual(['expiry-30']);
    expect(run('2027-02-28')).toEqual([]);
  });

  it('a late start sends only the tightest notice and records the wider ones as passed', () => {
    expect(dueAlerts(c, 0, [], '2027-02-10')).toMatchObject({ send: [{ key: 'expiry-30' }], record: ['expiry-90', 'expiry-60', 'expiry-30'] });
  });

  it('spend alerts at 80% and 100% of the ceiling, once each', () => {
    expect(dueAlerts(c, 79_999_99, [], '2026-06-01').send).toEqual([]);
    expect(dueAlerts(c, 80_000_00, [], '2026-06-01').send.map((a) => a.key)).toEqual(['spend-80']);
    expect(dueAlerts(c, 80_000_00, ['spend-80'], '2026-06-01').send).toEqual([]);
    const full = dueAlerts(c, 100_000_00, ['spend-80'], '2026-06-01');
    expect(full.send.map((a) => a.subject)).toEqual(['Contract spend at 100% of its ceiling: 01-97 (Acme Mobility)']);
  });
});
