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
const deps = (): HandlerDeps & { contracts: FakeContracts } => ({
  contracts: new FakeContracts() as unknown as ContractsTable & FakeContracts,
  audit: new FakeAuditTable(new Script()) as never,
  // Bearer callers only here: no browser session is ever looked up.
  sessions: { find: async () => undefined } as never,
  clock: () => new Date('2026-11-20T10:00:00Z'),
  newRequestId: () => `01JCCCCCCCCCCCCCCCCCCCCC${String(ids++).padStart(2, '0')}`,
  // The token is the person id: verification itself is the token verifier's own test.
  tokenVerifier: { verify: async (token: string) => ({ subject: token, emailVerified: false }) },
  people: signInDirectory(policies),
});

const event = (method: string, resource: string, options: { who?: string; body?: unknown; id?: string; query?: Record<string, string>; accept?: string } = {}): APIGatewayProxyEvent => ({
  httpMethod: method, resource, path: resource.replace('{id}', options.id ?? ''),
  headers: {
    ...(options.who ? { Authorization: `Bearer ${options.who}` } : {}),
    ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(options.accept ? { Accept: options.accept } : {}),
  },
  multiValueHeaders: {}, queryStringParameters: options.query ?? null, multiValueQueryStringParameters: null,
  pathParameters: options.id ? { id: options.id } : null, stageVariables: null, requestContext: {} as never,
  body: options.body === undefined ? null : JSON.stringify(options.body), isBase64Encoded: false,
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
});
