/**
 * The contracts handler against in-memory ports: who may write (purchasing; 403 for others), the
 * 404 of an unknown or malformed id, bad queries as 400 naming the field, the edit conflict, and
 * the page for a browser beside the JSON for everyone else.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { signInDirectory } from '../../../lambdas/app/identity';
import { createPolicyRegistry } from '../../../lambdas/domain';
import { makeHandler, type HandlerDeps } from '../../../lambdas/handlers/contracts';
import type { ContractRecord, ContractsTable } from '../../../lambdas/store/contracts-table';
import { FakeAuditTable, Script } from '../app/fakes';

/** The registry as a map; `replace` keeps the version guard of the real write. */
class FakeContracts {
  readonly items = new Map<string, ContractRecord & { pendingAudit?: unknown[] }>();
  async create(record: ContractRecord, events: unknown[]) { this.items.set(record.id, structuredClone({ ...record, pendingAudit: events })); return true; }
  async get(id: string) { const item = this.items.get(id); if (!item) return undefined; const { pendingAudit: _p, ...rest } = structuredClone(item); return rest as ContractRecord; }
  async list() { return Promise.all([...this.items.keys()].map(async (id) => (await this.get(id))!)); }
  async replace(id: string, version: number, next: Partial<ContractRecord>) {
    const item = this.items.get(id);
    if (!item || item.version !== version) return false;
    this.items.set(id, { ...item, ...next, version: version + 1 });
    return true;
  }
  async pendingAudit() { return { exists: true, items: [] }; }
  async clearPending() { return true; }
  async anchorHead() { /* nothing pending in this fake */ }
}

const policies = createPolicyRegistry();
let ids = 0;
/** A request that named an unregistered piggyback, as the register form is filled in from. */
const UNREGISTERED_ID = '01JDDDDDDDDDDDDDDDDDDDDD01';
const unregistered = {
  id: UNREGISTERED_ID, number: 'PR-2026-000042', status: 'PENDING_APPROVAL',
  request: {
    policy: 'sample-city', title: 'Wi-Fi for the library', department: 'Public Works', requester: { name: 'Ana Ruiz', email: 'ana.ruiz@sample-city.example' },
    category: 'technology', amountCents: 4_000_000, currency: 'USD', vendor: { name: 'Harborline Technology' }, fundingSource: 'local',
    method: {
      type: 'piggyback', leadAgency: 'City of Key West', contractNumber: 'KW-2025-117', expires: '2027-12-31',
      leadAgencyIsPublic: true, competitivelyBid: true, scopeCovers: true,
    },
  },
};
const requests = {
  get: async (id: string) => (id === UNREGISTERED_ID ? structuredClone(unregistered) : undefined),
  idForNumber: async (n: string) => (n === unregistered.number ? UNREGISTERED_ID : undefined),
};

const deps = (): HandlerDeps & { contracts: FakeContracts } => ({
  contracts: new FakeContracts() as unknown as ContractsTable & FakeContracts,
  requests: requests as never,
  audit: new FakeAuditTable(new Script()) as never,
  // Bearer callers only here: no browser session is ever looked up.
  sessions: { find: async () => undefined } as never,
  clock: () => new Date('2026-11-20T10:00:00Z'),
  newRequestId: () => `01JCCCCCCCCCCCCCCCCCCCCC${String(ids++).padStart(2, '0')}`,
  // The token is the person id: verification itself is the token verifier's own test.
  tokenVerifier: { verify: async (token: string) => ({ subject: token, emailVerified: false }) },
  people: signInDirectory(policies),
});

const event = (method: string, resource: string, options: { who?: string; body?: unknown; form?: Record<string, string>; id?: string; query?: Record<string, string>; accept?: string } = {}): APIGatewayProxyEvent => ({
  httpMethod: method, resource, path: resource.replace('{id}', options.id ?? ''),
  headers: {
    ...(options.who ? { Authorization: `Bearer ${options.who}` } : {}),
    ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(options.form !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    ...(options.accept ? { Accept: options.accept } : {}),
  },
  multiValueHeaders: {}, queryStringParameters: options.query ?? null, multiValueQueryStringParameters: null,
  pathParameters: options.id ? { id: options.id } : null, stageVariables: null, requestContext: {} as never,
  body: options.form !== undefined ? new URLSearchParams(options.form).toString() : options.body === undefined ? null : JSON.stringify(options.body), isBase64Encoded: false,
});

const PURCHASING = 'p-jordan-blake';
const REQUESTER = 'p-ana-ruiz';
const body = {
  vehicle: 'piggyback', number: 'KW-2025-117', supplier: 'Harborline Technology', leadAgency: 'City of Key West',
  facts: { leadAgencyPublic: true }, categories: ['technology'], termStart: '2026-01-01', termEnd: '2027-12-31',
};

describe('contracts handler', () => {
  it('only purchasing registers and edits; anyone signed in reads and searches', async () => {
    const d = deps();
    const handle = makeHandler(d);
    expect((await handle(event('POST', '/contracts', { who: REQUESTER, body }))).statusCode).toBe(403);
    expect((await handle(event('POST', '/contracts', { body }))).statusCode).toBe(401);
    const created = await handle(event('POST', '/contracts', { who: PURCHASING, body }));
    expect(created.statusCode).toBe(201);
    const id = JSON.parse(created.body).id as string;
    expect(created.headers?.Location).toBe(`/contracts/${id}`);
    expect((await handle(event('PUT', '/contracts/{id}', { who: REQUESTER, id, body }))).statusCode).toBe(403);
    const found = JSON.parse((await handle(event('GET', '/contracts', { who: REQUESTER, query: { q: 'key west' } }))).body);
    expect(found.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const read = JSON.parse((await handle(event('GET', '/contracts/{id}', { who: REQUESTER, id }))).body);
    expect(read).toMatchObject({ supplier: 'Harborline Technology', spend: 0, facts: { leadAgencyPublic: { value: true, verifiedBy: { name: 'Jordan Blake' } } } });
  });

  it('an unknown or malformed id is 404; a bad query or body is 400 naming the field', async () => {
    const handle = makeHandler(deps());
    expect((await handle(event('GET', '/contracts/{id}', { who: REQUESTER, id: '01JCCCCCCCCCCCCCCCCCCCCC99' }))).statusCode).toBe(404);
    expect((await handle(event('PUT', '/contracts/{id}', { who: PURCHASING, id: '../etc', body }))).statusCode).toBe(404);
    const query = await handle(event('GET', '/contracts', { who: REQUESTER, query: { active: 'yes', sort: 'x' } }));
    expect(query.statusCode).toBe(400);
    expect(JSON.parse(query.body).error.fields.map((f: { field: string }) => f.field)).toEqual(['sort', 'active']);
    const bad = await handle(event('POST', '/contracts', { who: PURCHASING, body: { ...body, leadAgency: undefined } }));
    expect(JSON.parse(bad.body).error.fields).toEqual([{ field: 'leadAgency', message: 'is required for a piggyback' }]);
  });

  it('an edit made from an older version is refused with 409', async () => {
    const d = deps();
    const handle = makeHandler(d);
    const id = JSON.parse((await handle(event('POST', '/contracts', { who: PURCHASING, body }))).body).id as string;
    const stale = d.contracts.get.bind(d.contracts);
    // Someone else's edit lands between this edit's read and its write.
    d.contracts.get = async (wanted: string) => { const read = await stale(wanted); d.contracts.items.get(wanted)!.version += 1; d.contracts.get = stale; return read; };
    const conflict = await handle(event('PUT', '/contracts/{id}', { who: PURCHASING, id, body: { ...body, scope: 'Wi-Fi' } }));
    expect(conflict.statusCode).toBe(409);
  });

  it('a browser gets the page, with the signed-in header; a client asking for JSON gets JSON', async () => {
    const d = deps();
    const handle = makeHandler(d);
    await handle(event('POST', '/contracts', { who: PURCHASING, body }));
    const page = await handle(event('GET', '/contracts', { who: REQUESTER, accept: 'text/html,application/xhtml+xml' }));
    expect(page.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Harborline Technology');
    expect(page.body).toContain('aria-current="page">Contracts</a>');
    const data = await handle(event('GET', '/contracts', { who: REQUESTER, accept: 'application/json' }));
    expect(data.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
  });

  it('the register form is purchasing\'s: anyone else gets 403 on the page and on its post, and nothing is registered', async () => {
    const d = deps();
    const handle = makeHandler(d);
    const page = await handle(event('GET', '/contracts/new', { who: REQUESTER, accept: 'text/html' }));
    expect(page.statusCode).toBe(403);
    const prefilled = await handle(event('GET', '/contracts/new', { who: REQUESTER, accept: 'text/html', query: { from: UNREGISTERED_ID } }));
    expect(prefilled.statusCode).toBe(403);
    expect(prefilled.body).not.toContain('KW-2025-117');
    const post = await handle(event('POST', '/contracts/new', { who: REQUESTER, form: { vehicle: 'piggyback', supplier: 'X', number: 'N', termStart: '2026-01-01', termEnd: '2027-01-01', 'category.goods': 'yes' } }));
    expect(post.statusCode).toBe(403);
    expect(d.contracts.items.size).toBe(0);
  });

  it('purchasing registers a contract from a request in one step: the form comes filled in with what the requester declared', async () => {
    const d = deps();
    const handle = makeHandler(d);
    const page = await handle(event('GET', '/contracts/new', { who: PURCHASING, accept: 'text/html', query: { from: 'PR-2026-000042' } }));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('From request <a href="/requests/01JDDDDDDDDDDDDDDDDDDDDD01">PR-2026-000042</a>');
    expect(page.body).toMatch(/id="c-vehicle-piggyback" name="vehicle" value="piggyback" checked/);
    expect(page.body).toContain('name="number" value="KW-2025-117"');
    expect(page.body).toContain('name="leadAgency" value="City of Key West"');
    expect(page.body).toMatch(/name="fact\.competitivelyBid" value="yes" checked/);
    expect(page.body).not.toMatch(/name="fact\.cooperativeLanguage" value="yes" checked/);

    const posted = await handle(event('POST', '/contracts/new', {
      who: PURCHASING,
      form: {
        fromRequest: UNREGISTERED_ID, vehicle: 'piggyback', supplier: 'Harborline Technology', number: 'KW-2025-117', leadAgency: 'City of Key West',
        gpoModel: '', termStart: '2025-06-01', termEnd: '2027-12-31', ceiling: '250,000', 'category.technology': 'yes',
        'fact.leadAgencyPublic': 'yes', 'fact.competitivelyBid': 'yes', 'fact.cooperativeLanguage': 'yes',
      },
    }));
    expect(posted.statusCode).toBe(303);
    const [stored] = [...d.contracts.items.values()];
    expect(posted.headers?.Location).toBe(`/contracts/${stored!.id}`);
    expect(stored).toMatchObject({ vehicle: 'piggyback', ceilingCents: 25_000_000, categories: ['technology'], facts: { cooperativeLanguage: { value: true, verifiedBy: { name: 'Jordan Blake' } } } });
    expect(stored!.facts.procuredUnder2CFR200).toBeUndefined();
  });

  it('a register form with mistakes comes back 400 with each error beside its field and everything typed kept', async () => {
    const d = deps();
    const handle = makeHandler(d);
    const posted = await handle(event('POST', '/contracts/new', { who: PURCHASING, form: { vehicle: 'piggyback', supplier: 'Harborline', number: 'KW-1', termStart: '2026-01-01', termEnd: '2025-01-01', ceiling: 'lots' } }));
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('id="c-ceiling-error"');
    expect(posted.body).toContain('name="supplier" value="Harborline"');
    expect(d.contracts.items.size).toBe(0);
    const again = await handle(event('POST', '/contracts/new', { who: PURCHASING, form: { vehicle: 'piggyback', supplier: 'Harborline', number: 'KW-1', termStart: '2026-01-01', termEnd: '2025-01-01' } }));
    expect(again.body).toContain('<a href="#c-leadAgency">Lead agency: is required for a piggyback</a>');
    expect(again.body).toContain('<a href="#c-categories">Categories it covers:');
    expect(again.body).toContain('<a href="#c-termEnd">Term ends: must not be before termStart</a>');
  });

  it('the contracts page offers "Use in a new request" for active contracts, and the register link to purchasing only', async () => {
    const d = deps();
    const handle = makeHandler(d);
    await handle(event('POST', '/contracts', { who: PURCHASING, body }));
    await handle(event('POST', '/contracts', { who: PURCHASING, body: { ...body, number: 'KW-OLD', termStart: '2020-01-01', termEnd: '2021-01-01' } }));
    const page = await handle(event('GET', '/contracts', { who: REQUESTER, accept: 'text/html' }));
    expect(page.body.match(/Use in a new request/g)).toHaveLength(1);
    expect(page.body).toMatch(/href="\/requests\/new\?contract=01J\w+">Use in a new request<span class="rf-visually-hidden">: Harborline Technology KW-2025-117/);
    expect(page.body).not.toContain('/contracts/new');
    const theirs = await handle(event('GET', '/contracts', { who: PURCHASING, accept: 'text/html' }));
    expect(theirs.body).toContain('<a href="/contracts/new">Register a contract</a>');
  });
});
