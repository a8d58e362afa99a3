/**
 * The lists people read (lambdas/app/lists.ts): my requests, what waits for me, and every open
 * request. Each is a Query on an index, never a Scan:
 *
 * - byRequester (`requesterKey` = the requester's mailbox, `submittedAt`): one partition per
 *   person, so no key takes everyone's requests; a person's own history is small and grows slowly,
 *   which is why it needs no month buckets.
 * - byApprover (`approverKey`, `waitingSince`) and byEscalationContact (`escalationKey`,
 *   `escalatedSince`) on checkpoint items. The partition key is written with the checkpoint; the
 *   sort key only while the checkpoint is pending (set by the conditional write that opens it or
 *   escalates it, removed by the one that closes it), so these sparse indexes hold exactly the open
 *   queue of each person and a queue read never filters through history.
 *   These three indexes project keys only: the reader fetches the items by key, strongly
 *   consistent, so a page never shows a status the index has not caught up with.
 * - Open requests: the month-bucketed byStatus index (./request-buckets.ts) for SUBMITTED and
 *   PENDING_APPROVAL, every month back to the service's first.
 *
 * Keys are mailbox keys (case and `+tag` folded, as separation of duties compares people), so a
 * request is found under the mailbox its requester signs in with.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { mailboxKey } from '../domain/mailbox';
import type { Checkpoint } from '../domain';
import { queryAll } from './query-all';
import { bucketKey, FIRST_MONTH, InvalidCursorError, newestMonth, previousMonth } from './request-buckets';
import { keys, OPEN_STATUSES, type CheckpointRecord, type RequestRecord } from './records';

export const BY_REQUESTER = { indexName: 'byRequester', keyName: 'requesterKey', sortName: 'submittedAt' } as const;
export const BY_APPROVER = { indexName: 'byApprover', keyName: 'approverKey', sortName: 'waitingSince' } as const;
export const BY_ESCALATION_CONTACT = { indexName: 'byEscalationContact', keyName: 'escalationKey', sortName: 'escalatedSince' } as const;

/** Attributes only the list indexes read; stripped from every record the store returns. */
export const LIST_INDEX_ATTRIBUTES = [
  BY_REQUESTER.keyName, BY_APPROVER.keyName, BY_APPROVER.sortName, BY_ESCALATION_CONTACT.keyName, BY_ESCALATION_CONTACT.sortName,
] as const;

/** The queue sort keys: present only while the checkpoint is pending. */
export const QUEUE_SORT_KEYS = [BY_APPROVER.sortName, BY_ESCALATION_CONTACT.sortName] as const;

/** On a new request item: whose it is, for byRequester. */
export const requesterKeyAttributes = (requesterEmail: string) => ({ [BY_REQUESTER.keyName]: mailboxKey(requesterEmail) });

/** On a new checkpoint item: who may be asked to decide it (the approver, later perhaps the escalation contact). */
export const queueKeyAttributes = (checkpoint: Pick<Checkpoint, 'approver' | 'escalation'>) => ({
  [BY_APPROVER.keyName]: mailboxKey(checkpoint.approver.email),
  [BY_ESCALATION_CONTACT.keyName]: mailboxKey(checkpoint.escalation.email),
});

export const stripListAttributes = <T>(item: Record<string, unknown>): T => {
  const copy = { ...item };
  for (const name of LIST_INDEX_ATTRIBUTES) delete copy[name];
  return copy as T;
};

const REQUEST_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const refuse = (): never => { throw new InvalidCursorError('the cursor is not one this service issued'); };
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The same opaque shape as the other list cursors (base64url JSON, `k` the last key read). */
export const encodeRequesterCursor = (startKey: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify({ k: startKey })).toString('base64url');

/**
 * The start key a requester-list cursor names, checked against the person reading: exactly the
 * index's attributes, a request item, in this person's partition. Another person's cursor, or an
 * edited one, is refused (400), never handed to DynamoDB.
 */
export const decodeRequesterCursor = (cursor: string, requesterEmail: string): Record<string, string> => {
  if (cursor.length === 0 || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) refuse();
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')); } catch { refuse(); }
  if (!isPlainObject(parsed) || Object.keys(parsed).length !== 1 || !isPlainObject(parsed.k)) refuse();
  const key = (parsed as { k: Record<string, unknown> }).k;
  const expected = ['pk', 'sk', BY_REQUESTER.keyName, BY_REQUESTER.sortName];
  if (Object.keys(key).length !== expected.length || !expected.every((name) => typeof key[name] === 'string')) refuse();
  const pk = key.pk as string;
  if (!pk.startsWith('REQUEST#') || !REQUEST_ID.test(pk.slice('REQUEST#'.length)) || key.sk !== 'REQUEST'
    || key[BY_REQUESTER.keyName] !== mailboxKey(requesterEmail) || !ISO_INSTANT.test(key[BY_REQUESTER.sortName] as string)) refuse();
  return key as Record<string, string>;
};

export interface RequesterPage { items: RequestRecord[]; nextCursor?: string }

/** One page of a person's requests, newest first: the keys from the index, the items by key (fresh). */
export const listByRequester = async (
  db: DynamoDBDocumentClient, tableName: string, requesterEmail: string, page: { limit: number; cursor?: string },
): Promise<RequesterPage> => {
  const start = page.cursor === undefined ? undefined : decodeRequesterCursor(page.cursor, requesterEmail);
  const out: QueryCommandOutput = await db.send(new QueryCommand({
    TableName: tableName,
    IndexName: BY_REQUESTER.indexName,
    KeyConditionExpression: `${BY_REQUESTER.keyName} = :k`,
    ExpressionAttributeValues: { ':k': mailboxKey(requesterEmail) },
    ScanIndexForward: false,
    Limit: page.limit,
    ExclusiveStartKey: start,
  }));
  const found = await byKey(db, tableName, (out.Items ?? []).map((k) => ({ pk: String(k.pk), sk: String(k.sk) })));
  return {
    items: found.map((item) => stripListAttributes<RequestRecord>(stripItemKeys(item))),
    ...(out.LastEvaluatedKey ? { nextCursor: encodeRequesterCursor(out.LastEvaluatedKey) } : {}),
  };
};

/** A pending checkpoint in someone's queue, and why it is theirs. */
export interface QueuedCheckpoint { checkpoint: CheckpointRecord; as: 'approver' | 'escalation-contact' }

/**
 * The pending checkpoints a person may decide: those they are the approver of (a delegate or an
 * alternate is the approver, acting on behalf of someone), and those escalated to them. Oldest
 * first. The state is checked again here: the index is eventually consistent.
 */
export const checkpointsWaitingFor = async (db: DynamoDBDocumentClient, tableName: string, email: string): Promise<QueuedCheckpoint[]> => {
  const read = async (index: typeof BY_APPROVER | typeof BY_ESCALATION_CONTACT, as: QueuedCheckpoint['as']) => {
    const entries = await queryAll(db, {
      TableName: tableName,
      IndexName: index.indexName,
      KeyConditionExpression: `${index.keyName} = :k`,
      ExpressionAttributeValues: { ':k': mailboxKey(email) },
    });
    const items = await byKey(db, tableName, entries.map((k) => ({ pk: String(k.pk), sk: String(k.sk) })));
    // The item read now, not the index entry, says whether it still waits (and since when).
    return items
      .filter((item) => item.state === 'pending' && typeof item[index.sortName] === 'string')
      .map((item) => ({ since: String(item[index.sortName]), entry: { checkpoint: stripListAttributes<CheckpointRecord>(stripItemKeys(item)), as } }));
  };
  const found = [...await read(BY_APPROVER, 'approver'), ...await read(BY_ESCALATION_CONTACT, 'escalation-contact')];
  // Someone both approver and escalation contact of one checkpoint decides it once: keep the first.
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.since.localeCompare(b.since))
    .filter(({ entry }) => {
      const id = `${entry.checkpoint.requestId}#${entry.checkpoint.index}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .map(({ entry }) => entry);
};

export interface OpenRequests { items: RequestRecord[]; truncated: boolean }

/**
 * Every open request (SUBMITTED or PENDING_APPROVAL), newest month first, from the byStatus buckets of
 * every month back to the service's first: two Queries a month, a few buckets at a time (the
 * months of a long-lived deployment add up). At most `max` items are returned; `truncated` says
 * more exist.
 */
export const openRequests = async (db: DynamoDBDocumentClient, tableName: string, nowMs: number, max: number): Promise<OpenRequests> => {
  const buckets: string[] = [];
  for (let month = newestMonth(nowMs); month >= FIRST_MONTH; month = previousMonth(month)) {
    for (const status of OPEN_STATUSES) buckets.push(bucketKey(status, month));
  }
  const readBucket = async (key: string): Promise<RequestRecord[]> => {
    const items: RequestRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await db.send(new QueryCommand({
        TableName: tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: 'statusKey = :k',
        ExpressionAttributeValues: { ':k': key },
        ScanIndexForward: false,
        Limit: max + 1 - items.length,
        ExclusiveStartKey: start,
      }));
      items.push(...(out.Items ?? []).map((item) => stripListAttributes<RequestRecord>(stripItemKeys(item))));
      start = out.LastEvaluatedKey;
    } while (start && items.length <= max);
    return items;
  };
  const perBucket = await inParallel(buckets, readBucket);
  const items = perBucket.flat();
  return items.length > max ? { items: items.slice(0, max), truncated: true } : { items, truncated: false };
};

/** How many GetItem calls one read keeps in flight. */
const PARALLEL_READS = 16;

/** `read` over `inputs` with a few calls in flight; the results in the order of the inputs. */
const inParallel = async <I, O>(inputs: readonly I[], read: (input: I) => Promise<O>): Promise<O[]> => {
  const results: O[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < inputs.length; i = next++) results[i] = await read(inputs[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, inputs.length) }, worker));
  return results;
};

/**
 * Items by key, strongly consistent, a few GetItem calls at a time. Deliberately not
 * BatchGetItem: the functions' grants hold exactly GetItem and Query (infra/constructs/app-function.ts),
 * and a batch costs the same read units; the lists read a page (20) or the open requests' current
 * checkpoints, so the calls stay few.
 */
const batchGet = async (db: DynamoDBDocumentClient, tableName: string, itemKeys: Array<{ pk: string; sk: string }>): Promise<Record<string, unknown>[]> =>
  (await inParallel(itemKeys, async (key) => (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item))
    .filter((item): item is Record<string, unknown> => item !== undefined);

/** Items by key, in the order of the keys (missing ones left out). */
const byKey = async (db: DynamoDBDocumentClient, tableName: string, itemKeys: Array<{ pk: string; sk: string }>): Promise<Record<string, unknown>[]> => {
  if (itemKeys.length === 0) return [];
  const found = new Map((await batchGet(db, tableName, itemKeys)).map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
  return itemKeys.map((k) => found.get(`${k.pk}|${k.sk}`)).filter((item): item is Record<string, unknown> => item !== undefined);
};

/** The request items with these ids (missing ones left out). */
export const getRequests = async (db: DynamoDBDocumentClient, tableName: string, ids: readonly string[]): Promise<RequestRecord[]> =>
  (await batchGet(db, tableName, [...new Set(ids)].map((id) => keys.request(id))))
    .map((item) => stripListAttributes<RequestRecord>(stripItemKeys(item)));

/** The checkpoints at these positions (missing ones left out). */
export const getCheckpoints = async (
  db: DynamoDBDocumentClient, tableName: string, positions: ReadonlyArray<{ requestId: string; index: number }>,
): Promise<CheckpointRecord[]> => {
  const unique = new Map(positions.map((p) => [`${p.requestId}#${p.index}`, keys.checkpoint(p.requestId, p.index)]));
  return (await batchGet(db, tableName, [...unique.values()])).map((item) => stripListAttributes<CheckpointRecord>(stripItemKeys(item)));
};

/** The table's own keys and bookkeeping, which no record carries. */
const stripItemKeys = (item: Record<string, unknown>): Record<string, unknown> => {
  const { pk: _pk, sk: _sk, statusKey: _s, departmentKey: _d, splitKey: _k, vendorKey: _v, splitFacts: _f, listKey: _l, pendingAudit: _p, ...rest } = item;
  return rest;
};
