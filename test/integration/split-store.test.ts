/**
 * The store's side of split detection on a real DynamoDB API (dynalite, as `npm start` runs it):
 * `priorRequests` reads one department's requests to a vendor through bySplitKey, or every
 * department's through byVendor (which copies only what a split check reads), from the instant
 * the policy's period starts (the fiscal year's first instant, for a yearly aggregate). The use
 * cases are bypassed on purpose: this is the store's contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { monotonicFactory } from 'ulid';
import { documentClient } from '../../lambdas/adapters/dynamo';
import { TABLES } from '../../lambdas/shared/tables';
import type { RequestRecord } from '../../lambdas/store/records';
import { RequestsTable } from '../../lambdas/store/requests-table';
import { ensureTables, LOCAL_CREDENTIALS, startDynamo, type LocalDynamo } from '../../local/dynamo';

let dataDir: string;
let dynamo: LocalDynamo;
let client: DynamoDBClient;
let table: RequestsTable;
const ulid = monotonicFactory();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'par-splits-'));
  dynamo = await startDynamo(dataDir);
  await ensureTables(dynamo.endpoint, [TABLES.requests]);
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  table = new RequestsTable(documentClient(client), TABLES.requests.id, () => Date.parse('2026-12-01T00:00:00Z'));
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const store = async (department: string, vendor: string, amountCents: number, submittedAt: string, number?: string): Promise<string> => {
  const id = ulid(Date.parse(submittedAt));
  const record: RequestRecord = {
    id, submittedAt, updatedAt: submittedAt, status: 'PENDING_APPROVAL', ...(number ? { number } : {}),
    request: {
      title: `${vendor} for ${department}`, department, amountCents, vendor: { name: vendor },
      requester: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' },
    } as unknown as RequestRecord['request'],
  };
  expect(await table.create(record, [])).toBe(true);
  return id;
};

// Fiscal year from July 1, 2026; the request being routed is on December 1, 2026.
const YEAR_START = '2026-07-01T00:00:00.000Z';
let ids: Record<string, string>;
beforeAll(async () => {
  ids = {
    lastYear: await store('Public Works', 'Harbor Signs', 100_000, '2026-06-30T23:59:59.000Z'),
    firstInstant: await store('Public Works', 'Harbor Signs', 200_000, YEAR_START, 'PR-2026-000007'),
    police: await store('Police', 'Harb\u043er Signs, Inc.', 300_000, '2026-09-15T10:00:00.000Z'), // Cyrillic о
    parks: await store('Parks', 'HAR\u00adBOR SIGNS', 400_000, '2026-11-20T10:00:00.000Z'), // soft hyphen
    otherVendor: await store('Police', 'Harbour Signs', 500_000, '2026-10-01T10:00:00.000Z'),
  };
});

describe('priorRequests', () => {
  it('one department (the default): through bySplitKey, from the period\'s first instant on', async () => {
    const found = await table.priorRequests('Public Works', 'Harbor Signs', YEAR_START);
    expect(found).toEqual([
      { id: ids.firstInstant, number: 'PR-2026-000007', department: 'Public Works', vendorName: 'Harbor Signs', amountCents: 200_000, submittedAt: YEAR_START, status: 'PENDING_APPROVAL' },
    ]);
  });

  it('across departments: every department\'s look-alike spellings of the vendor, through byVendor, none before the year', async () => {
    const found = await table.priorRequests('Public Works', 'Harbor Signs', YEAR_START, { acrossDepartments: true });
    expect(found.map((p) => [p.department, p.vendorName, p.amountCents]).sort()).toEqual([
      ['Parks', 'HAR\u00adBOR SIGNS', 400_000],
      ['Police', 'Harb\u043er Signs, Inc.', 300_000],
      ['Public Works', 'Harbor Signs', 200_000],
    ]);
    expect(found.find((p) => p.id === ids.firstInstant)?.number).toBe('PR-2026-000007');
  });

  it('across departments, reaching back further: the last fiscal year\'s request too, another vendor never', async () => {
    const found = await table.priorRequests('Parks', 'harbor signs', '2026-06-01T00:00:00.000Z', { acrossDepartments: true });
    expect(found.map((p) => p.id).sort()).toEqual([ids.lastYear, ids.firstInstant, ids.police, ids.parks].sort());
    expect(found.map((p) => p.id)).not.toContain(ids.otherVendor);
  });

  it('byVendor follows the status: a cancelled request reads as CANCELLED (routing leaves it out), its facts unchanged', async () => {
    const id = await store('Finance', 'Harbor Signs', 50_000, '2026-11-25T10:00:00.000Z');
    expect(await table.cancel(id, {}, [])).toBe(true);
    const found = await table.priorRequests('Police', 'Harbor Signs', '2026-11-25T00:00:00.000Z', { acrossDepartments: true });
    expect(found).toEqual([{ id, department: 'Finance', vendorName: 'Harbor Signs', amountCents: 50_000, submittedAt: '2026-11-25T10:00:00.000Z', status: 'CANCELLED' }]);
  });

  it('the index attributes stay inside the store: a record read back carries no vendorKey, splitKey or splitFacts', async () => {
    const record = (await table.get(ids.police)) as unknown as Record<string, unknown>;
    expect(record.request).toMatchObject({ department: 'Police' });
    expect(record).not.toHaveProperty('vendorKey');
    expect(record).not.toHaveProperty('splitKey');
    expect(record).not.toHaveProperty('splitFacts');
  });
});
