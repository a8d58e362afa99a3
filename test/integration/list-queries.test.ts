/**
 * The list indexes on a real DynamoDB API (dynalite, as `npm start` runs it): the writes that
 * open, escalate and close a checkpoint keep each person's queue exact, a requester's list pages
 * newest first with a cursor that only that person can use, and open requests come from the
 * status buckets. The use cases are bypassed on purpose: this is the store's contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { monotonicFactory } from 'ulid';
import { documentClient } from '../../lambdas/adapters/dynamo';
import type { RoutingDecision } from '../../lambdas/domain';
import { TABLES } from '../../lambdas/shared/tables';
import { InvalidCursorError } from '../../lambdas/store/request-buckets';
import type { RequestRecord } from '../../lambdas/store/records';
import { RequestsTable } from '../../lambdas/store/requests-table';
import { ensureTables, LOCAL_CREDENTIALS, startDynamo, type LocalDynamo } from '../../local/dynamo';

const NOW = Date.parse('2026-11-20T10:00:00.000Z');
const person = (name: string, email: string) => ({ name, email });
const ANA = person('Ana Ruiz', 'ana.ruiz@city.example');
const DANA = person('Dana Ortiz', 'dana.ortiz@sample-city.example');
const BOSS = person('Casey Manager', 'casey.manager@sample-city.example');
const JORDAN = person('Jordan Blake', 'jordan.blake@sample-city.example');

let dataDir: string;
let dynamo: LocalDynamo;
let client: DynamoDBClient;
let table: RequestsTable;
const ulid = monotonicFactory();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'par-lists-'));
  dynamo = await startDynamo(dataDir);
  await ensureTables(dynamo.endpoint, [TABLES.requests]);
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  table = new RequestsTable(documentClient(client), TABLES.requests.id, () => NOW);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let minute = 0;
const submit = async (requester: { name: string; email: string }, title: string): Promise<string> => {
  minute += 1;
  const at = NOW - 60 * 60_000 + minute * 60_000;
  const id = ulid(at);
  const record: RequestRecord = {
    id, submittedAt: new Date(at).toISOString(), updatedAt: new Date(at).toISOString(), status: 'SUBMITTED',
    request: { title, department: 'Public Works', requester, amountCents: 1000, vendor: { name: 'Vest Co' } } as unknown as RequestRecord['request'],
  };
  expect(await table.create(record, [])).toBe(true);
  return id;
};

const route = async (id: string) => {
  const checkpoints = [
    { index: 0, role: 'department-head', roleTitle: 'Department Head', approver: DANA, escalation: BOSS, reason: 'r' },
    { index: 1, role: 'purchasing-agent', roleTitle: 'Purchasing Agent', approver: JORDAN, escalation: BOSS, reason: 'r' },
  ];
  const routing = { status: 'PENDING_APPROVAL', checkpoints, flags: [], reasons: [] } as unknown as RoutingDecision;
  expect(await table.recordRouting(id, routing, new Date(NOW).toISOString(), [])).toBe(true);
};

const open = (id: string, index: number, at: string) =>
  table.openCheckpoint(id, index, { openedAt: at, deadlines: { remindAt: at, escalateAt: at, expireAt: at } }, []);

const queue = async (email: string) => (await table.checkpointsWaitingFor(email)).map((q) => [q.checkpoint.requestId, q.checkpoint.index, q.as]);

it('a checkpoint is in its approver\u2019s queue only while pending, and in the escalation contact\u2019s once escalated', async () => {
  const first = await submit(ANA, 'first');
  const second = await submit(ANA, 'second');
  await route(first);
  await route(second);
  // Routed but not opened: nobody has been asked yet.
  expect(await queue(DANA.email)).toEqual([]);

  await open(second, 0, '2026-11-20T09:10:00.000Z');
  await open(first, 0, '2026-11-20T09:20:00.000Z');
  // Oldest first, found under any alias of the mailbox.
  expect(await queue('Dana.Ortiz+queue@sample-city.example')).toEqual([[second, 0, 'approver'], [first, 0, 'approver']]);
  expect(await queue(BOSS.email)).toEqual([]);

  expect(await table.markNotified(first, 0, 'escalation', '2026-11-20T09:30:00.000Z', [])).toBe(true);
  expect(await queue(BOSS.email)).toEqual([[first, 0, 'escalation-contact']]);
  // The approver keeps it too: both links stay good after an escalation.
  expect(await queue(DANA.email)).toHaveLength(2);

  await table.decideCheckpoint(first, 0, { decision: 'approve', decidedAt: '2026-11-20T09:40:00.000Z', decidedBy: BOSS }, []);
  expect(await queue(BOSS.email)).toEqual([]);
  expect(await queue(DANA.email)).toEqual([[second, 0, 'approver']]);
  await open(first, 1, '2026-11-20T09:41:00.000Z');
  expect(await queue(JORDAN.email)).toEqual([[first, 1, 'approver']]);

  await table.closeCheckpoint(second, 0, ['pending'], 'cancelled', '2026-11-20T09:50:00.000Z');
  expect(await queue(DANA.email)).toEqual([]);

  // An escalation email recorded after the decision does not put a closed checkpoint back in a queue.
  await table.markNotified(second, 0, 'escalation', '2026-11-20T09:55:00.000Z', []);
  expect(await queue(BOSS.email)).toEqual([]);

  // The records read back carry none of the index attributes.
  const read = (await table.getCheckpoint(first, 1))!;
  for (const name of ['approverKey', 'escalationKey', 'waitingSince', 'escalatedSince']) expect(read).not.toHaveProperty(name);
  expect(await table.get(first)).not.toHaveProperty('requesterKey');
});

it('a requester\u2019s list pages newest first; the cursor works for that person only', async () => {
  const mine = [await submit(JORDAN, 'j1'), await submit(JORDAN, 'j2'), await submit(JORDAN, 'j3')];
  const first = await table.listByRequester('JORDAN.BLAKE@sample-city.example', { limit: 2 });
  expect(first.items.map((r) => r.id)).toEqual([mine[2], mine[1]]);
  expect(first.items[0]).not.toHaveProperty('requesterKey');
  expect(first.nextCursor).toBeDefined();
  const second = await table.listByRequester(JORDAN.email, { limit: 2, cursor: first.nextCursor! });
  expect(second.items.map((r) => r.id)).toEqual([mine[0]]);
  expect(second.nextCursor).toBeUndefined();
  await expect(table.listByRequester(ANA.email, { limit: 2, cursor: first.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
  await expect(table.listByRequester(JORDAN.email, { limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
});

it('open requests come from the status buckets, month by month, and say when there are more', async () => {
  const all = await table.openRequests(100);
  expect(all.truncated).toBe(false);
  expect(all.items.every((r) => r.status === 'SUBMITTED' || r.status === 'PENDING_APPROVAL')).toBe(true);
  const count = all.items.length;
  expect(count).toBeGreaterThanOrEqual(5);
  const some = await table.openRequests(count - 1);
  expect(some).toMatchObject({ truncated: true });
  expect(some.items).toHaveLength(count - 1);
  // Batch reads by key.
  const ids = all.items.slice(0, 3).map((r) => r.id);
  expect((await table.getMany([...ids, '01J0000000000000000000000Z'])).map((r) => r.id).sort()).toEqual([...ids].sort());
});
