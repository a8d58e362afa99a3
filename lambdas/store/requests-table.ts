/**
 * The requests table: request items and their checkpoint items under one partition, so a request
 * and its whole chain come back from one strongly consistent Query. Every state change is a
 * single-item conditional write (no transactions: dynalite has none, and none are needed), and
 * carries the audit events it causes in the item's `pendingAudit` list: the change and its events
 * are recorded together or not at all. `flushAudit` (./audit-flush.ts) moves them to the chain.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { splitKey, vendorKey } from '../domain';
import { formatRequestNumber } from '../domain/request-number';
import type { RoutingDecision } from '../domain';
import { queryAll } from './query-all';
import {
  decodeCursor, encodeCursor, FIRST_MONTH, LIST_KEY, listKeyAttributes, MAX_QUERIES_PER_PAGE, newestMonth, previousMonth,
  statusKeyOf, bucketKey, type ListIndex, type ListPosition,
} from './request-buckets';
import { GENESIS_HASH } from '../audit/chain';
import {
  checkpointsWaitingFor, getCheckpoints, getRequests, listByRequester, openRequests, queueKeyAttributes, QUEUE_SORT_KEYS,
  requesterKeyAttributes, stripListAttributes, type OpenRequests, type QueuedCheckpoint, type RequesterPage,
} from './request-lists';
import {
  emailAttributes, keys, OPEN_STATUSES, type EmailSlot, type ChainHead, type CheckpointRecord, type CheckpointState, type DecisionRecord, type PendingEvent, type Phase,
  type RequestRecord, type RequestStatus,
} from './records';

export interface ListQuery { status?: RequestStatus; department?: string; limit: number; cursor?: string }
export interface ListPage { items: RequestRecord[]; nextCursor?: string }
export interface PriorRecord { id: string; number?: string; department: string; vendorName: string; amountCents: number; submittedAt: string; status: RequestStatus }

/** What byVendor copies of a request for split checks (written once, on submission). */
interface SplitFacts { department: string; vendorName: string; amountCents: number }

/** Whose earlier requests a split check reads: the request's own department (the default), or every department. */
export interface PriorScope { acrossDepartments?: boolean }

const stripKeys = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, statusKey: _s, departmentKey: _d, splitKey: _k, vendorKey: _v, splitFacts: _f, listKey: _l, pendingAudit: _p, ...rest } = item;
  return stripListAttributes<T>(rest);
};

/** Attributes the use cases set through transition/annotate (never keys, status or the audit bookkeeping). */
export type RequestChanges = Partial<Omit<RequestRecord, 'id' | 'status' | 'auditHead'>>;

/** One item's events waiting for the chain, as read by `pendingAudit`. */
export interface PendingOnItem { key: { pk: string; sk: string }; events: PendingEvent[] }

type Key = { pk: string; sk: string };
interface Guard { attribute: string; oneOf: readonly string[] }
interface WriteOptions { guard?: Guard; unless?: string; events?: readonly PendingEvent[]; remove?: readonly string[] }

/**
 * Human numbers live beside the requests, in items that carry none of the list-index attributes
 * (so no GSI ever sees them): one counter per year, and one lookup item per number naming the
 * request it was given to. A lookup item, not a GSI on `number`: it is read with a strongly
 * consistent GetItem (a request is readable by its number the moment the submission answers,
 * where a GSI is eventually consistent), it costs one small write per submission instead of a
 * replica of every later update of the request item, and it changes no table definition.
 */
const numberKeys = {
  counter: (year: number) => ({ pk: `COUNTER#PR#${year}`, sk: 'COUNTER' }),
  lookup: (number: string) => ({ pk: `NUMBER#${number}`, sk: 'NUMBER' }),
};
/** Allocations tried before giving up when every number handed out is already taken (a counter restored from an old backup). */
const MAX_NUMBER_ATTEMPTS = 5;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException
  || (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/** A conditional write: true when it was made, false when its condition did not hold; other errors throw. */
export const whenConditionHolds = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/**
 * Drops the pending events of an item (any table that keeps an audit chain's pending events and
 * head: requests, contracts) only if its list is still exactly what was read, moving the chain
 * head forward in the same write when given. False when a condition failed.
 */
export const clearPendingOn = async (db: DynamoDBDocumentClient, tableName: string, item: PendingOnItem, head?: ChainHead): Promise<boolean> => {
  const values: Record<string, unknown> = { ':n': item.events.length, ':first': item.events[0]!.eventKey, ':firstAt': item.events[0]!.at };
  let condition = 'size(pendingAudit) = :n AND pendingAudit[0].eventKey = :first AND pendingAudit[0].#at = :firstAt';
  if (head) {
    Object.assign(values, { ':head': head, ':seq': head.seq });
    condition += ' AND (attribute_not_exists(auditHead) OR auditHead.seq < :seq)';
  }
  return whenConditionHolds(db.send(new UpdateCommand({
    TableName: tableName,
    Key: item.key,
    UpdateExpression: head ? 'REMOVE pendingAudit SET auditHead = :head' : 'REMOVE pendingAudit',
    ConditionExpression: condition,
    ExpressionAttributeNames: { '#at': 'at' },
    ExpressionAttributeValues: values,
  })));
};

export class RequestsTable {
  /** `now` picks the newest list bucket; request ids (ULIDs) take their month from the same wall clock. */
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, private readonly now: () => number = Date.now) {}

  /** Stores a new request with its first audit events and the chain head at genesis; false if the id exists already. */
  async create(record: RequestRecord, events: readonly PendingEvent[]): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.request(record.id),
          ...record,
          ...listKeyAttributes(record.id, record.status, record.request.department),
          ...requesterKeyAttributes(record.request.requester.email),
          pendingAudit: events,
          auditHead: { seq: 0, hash: GENESIS_HASH } satisfies ChainHead,
          splitKey: splitKey(record.request.department, record.request.vendor.name),
          // byVendor: the same vendor from every department, for policies that relate them; the
          // index copies these facts (never changed after submission), the status and the number.
          vendorKey: vendorKey(record.request.vendor.name),
          splitFacts: {
            department: record.request.department, vendorName: record.request.vendor.name, amountCents: record.request.amountCents,
          } satisfies SplitFacts,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Allocates the next number of `year` for request `requestId`: an atomic ADD on the year's
   * counter (DynamoDB serialises updates of one item, so two submissions never read the same
   * value), then the number's lookup item, written only if that number names no request yet — so
   * even a counter set back (restored from a backup) cannot give one number to two requests; it
   * just takes the next one. Called before the request is stored (no transactions in dynalite):
   * a crash between the two wastes a number, a gap in the sequence and nothing worse.
   */
  async allocateNumber(year: number, requestId: string): Promise<string> {
    for (let attempt = 1; attempt <= MAX_NUMBER_ATTEMPTS; attempt += 1) {
      const out = await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: numberKeys.counter(year),
        UpdateExpression: 'ADD #last :one',
        ExpressionAttributeNames: { '#last': 'lastNumber' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }));
      const number = formatRequestNumber(year, Number(out.Attributes?.lastNumber));
      try {
        await this.db.send(new PutCommand({
          TableName: this.tableName,
          Item: { ...numberKeys.lookup(number), number, requestId },
          ConditionExpression: 'attribute_not_exists(pk) OR requestId = :id',
          ExpressionAttributeValues: { ':id': requestId },
        }));
        return number;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`no free request number for ${year} after ${MAX_NUMBER_ATTEMPTS} attempts`);
  }

  /** The request id a number was given to, if any (a consistent read of its lookup item). */
  async idForNumber(number: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: numberKeys.lookup(number), ConsistentRead: true }));
    return typeof out.Item?.requestId === 'string' ? out.Item.requestId : undefined;
  }

  /** Gives a stored request without a number its number (once), with the event that records it; false if it has one already. */
  async assignNumber(id: string, number: string, events: readonly PendingEvent[]): Promise<boolean> {
    return this.guardedUpdate(keys.request(id), { number }, { unless: 'number', events });
  }

  async get(id: string): Promise<RequestRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.request(id), ConsistentRead: true }));
    return out.Item ? stripKeys<RequestRecord>(out.Item) : undefined;
  }

  /** The request and its checkpoints in one consistent Query. */
  async getWithCheckpoints(id: string): Promise<{ request?: RequestRecord; checkpoints: CheckpointRecord[] }> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.request(id).pk },
      ConsistentRead: true,
    });
    const requestItem = items.find((i) => i.sk === 'REQUEST');
    const checkpoints = items
      .filter((i) => String(i.sk).startsWith(keys.checkpointPrefix))
      .map((i) => stripKeys<CheckpointRecord>(i))
      .sort((a, b) => a.index - b.index);
    return { request: requestItem ? stripKeys<RequestRecord>(requestItem) : undefined, checkpoints };
  }

  async getCheckpoint(requestId: string, index: number): Promise<CheckpointRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.checkpoint(requestId, index), ConsistentRead: true }));
    return out.Item ? stripKeys<CheckpointRecord>(out.Item) : undefined;
  }

  /**
   * Records the routing decision and its audit events. Checkpoint items are written first (plain
   * puts, so a retry rewrites the same items); the request flips from SUBMITTED last,
   * conditionally and with the events, so a request is never seen routed with half its chain.
   */
  async recordRouting(id: string, routing: RoutingDecision, at: string, events: readonly PendingEvent[]): Promise<boolean> {
    for (const checkpoint of routing.checkpoints) {
      const record: CheckpointRecord = { ...checkpoint, requestId: id, state: 'waiting', notified: {} };
      await this.db.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.checkpoint(id, checkpoint.index), ...record, ...queueKeyAttributes(checkpoint) },
        ConditionExpression: 'attribute_not_exists(pk) OR #state = :waiting',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':waiting': 'waiting' },
      })).catch((error) => { if (!isConditionFailure(error)) throw error; });
    }
    return this.transition(id, ['SUBMITTED'], routing.status, { routing, updatedAt: at }, events);
  }

  /**
   * Moves a request from one of `from` to `to`, setting extra attributes and recording `events`;
   * false when the request is not in one of `from` (someone else moved it first).
   */
  async transition(id: string, from: readonly RequestStatus[], to: RequestStatus, set: RequestChanges = {}, events: readonly PendingEvent[] = []): Promise<boolean> {
    return this.guardedUpdate(keys.request(id), { ...set, status: to, statusKey: statusKeyOf(id, to) }, { guard: { attribute: 'status', oneOf: from }, events });
  }

  /**
   * Records the outcome once (with its events): moves the request from one of `from` to the
   * outcome's status, unless an outcome is recorded already. False when the condition fails.
   */
  async recordOutcome(id: string, from: readonly RequestStatus[], outcome: NonNullable<RequestRecord['outcome']>, events: readonly PendingEvent[]): Promise<boolean> {
    return this.guardedUpdate(keys.request(id), { outcome, updatedAt: outcome.at, status: outcome.status, statusKey: outcome.status }, {
      guard: { attribute: 'status', oneOf: from }, unless: 'outcome', events,
    });
  }

  /**
   * The requester withdraws an open request: like `transition` to CANCELLED, but refused once a
   * decision has settled the request (`settle`), whose approver was already told the outcome.
   */
  async cancel(id: string, set: RequestChanges, events: readonly PendingEvent[]): Promise<boolean> {
    return this.guardedUpdate(keys.request(id), { ...set, status: 'CANCELLED', statusKey: 'CANCELLED' }, {
      guard: { attribute: 'status', oneOf: OPEN_STATUSES }, unless: 'settled', events,
    });
  }

  /**
   * A decision takes effect on the request only while it is PENDING_APPROVAL, checked on the
   * request item (where a cancellation is written): true means no cancellation came first. A
   * settling decision (`final`) is stored so a later cancellation is refused.
   */
  async settle(id: string, settlement: NonNullable<RequestRecord['settled']>, final: boolean): Promise<boolean> {
    return this.guardedUpdate(keys.request(id), { updatedAt: settlement.at, ...(final ? { settled: settlement } : {}) }, {
      guard: { attribute: 'status', oneOf: ['PENDING_APPROVAL'] },
    });
  }

  /** Sets attributes on a request without a status condition (bookkeeping such as currentIndex), with any events they cause. */
  async annotate(id: string, set: RequestChanges, events: readonly PendingEvent[] = []): Promise<void> {
    await this.guardedUpdate(keys.request(id), set, { events });
  }

  /** Opens a waiting checkpoint; false if it was not waiting. */
  async openCheckpoint(requestId: string, index: number, set: Pick<CheckpointRecord, 'openedAt' | 'deadlines'>, events: readonly PendingEvent[]): Promise<boolean> {
    return this.moveCheckpoint(requestId, index, ['waiting'], 'pending', set, events);
  }

  /** The first decision wins: only a pending checkpoint can be decided. */
  async decideCheckpoint(requestId: string, index: number, decision: DecisionRecord, events: readonly PendingEvent[]): Promise<boolean> {
    const to: CheckpointState = decision.decision === 'approve' ? 'approved' : 'rejected';
    return this.moveCheckpoint(requestId, index, ['pending'], to, { decision, closedAt: decision.decidedAt }, events);
  }

  async closeCheckpoint(requestId: string, index: number, from: CheckpointState[], to: CheckpointState, at: string, events: readonly PendingEvent[] = []): Promise<boolean> {
    return this.moveCheckpoint(requestId, index, from, to, { closedAt: at }, events);
  }

  /** Records that this phase's approval email went out, once per phase; false if it was recorded already. */
  async markNotified(requestId: string, index: number, phase: Phase, at: string, events: readonly PendingEvent[]): Promise<boolean> {
    const first = await this.guardedUpdate(keys.checkpoint(requestId, index), { [`notified.${phase}`]: at }, { unless: `notified.${phase}`, events });
    // The escalation contact's queue (byEscalationContact) shows the checkpoint from now on, while
    // it is still pending: checked in the same write, so a decision that came first is respected.
    // Also on a retry (first = false), whose first attempt may have stopped before this write.
    if (phase === 'escalation') {
      await this.guardedUpdate(keys.checkpoint(requestId, index), { escalatedSince: at }, { guard: { attribute: 'state', oneOf: ['pending'] }, unless: 'escalatedSince' });
    }
    return first;
  }

  /**
   * Claims the next send of an email, before it goes out. `seen` is the send count the caller read
   * (0: never sent). The write succeeds only while the email is not recorded as delivered and no
   * other attempt claimed since that read: of two attempts racing, one sends. A retry after a crash
   * between claim and record reads the crashed attempt's claim and takes the next number.
   */
  async claimEmailSend(requestId: string, email: EmailSlot, seen: number): Promise<boolean> {
    const { sends, delivered } = emailAttributes(email);
    const names: Record<string, string> = { '#sends': sends };
    const deliveredPath = delivered.split('.').map((part, i) => { names[`#d${i}`] = part; return `#d${i}`; }).join('.');
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: email === 'outcome' ? keys.request(requestId) : keys.checkpoint(requestId, email.index),
        UpdateExpression: 'SET #sends = :next',
        ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(${deliveredPath}) AND ${seen === 0 ? 'attribute_not_exists(#sends)' : '#sends = :seen'}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':next': seen + 1, ...(seen === 0 ? {} : { ':seen': seen }) },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records events that change no state (a failed delivery) on the request item, or on a checkpoint's. */
  async recordEvents(requestId: string, events: readonly PendingEvent[], index?: number): Promise<void> {
    await this.guardedUpdate(index === undefined ? keys.request(requestId) : keys.checkpoint(requestId, index), {}, { events });
  }

  private async moveCheckpoint(
    requestId: string, index: number, from: CheckpointState[], to: CheckpointState, set: Partial<CheckpointRecord>, events: readonly PendingEvent[],
  ): Promise<boolean> {
    // The queue sort keys (./request-lists.ts) exist only while the checkpoint is pending.
    const queue = to === 'pending' ? { set: { waitingSince: set.openedAt }, remove: [] } : { set: {}, remove: QUEUE_SORT_KEYS };
    return this.guardedUpdate(keys.checkpoint(requestId, index), { ...set, ...queue.set, state: to }, {
      guard: { attribute: 'state', oneOf: from }, events, remove: queue.remove,
    });
  }

  /**
   * One conditional UpdateItem: sets `set` on an existing item and appends `events` to its
   * `pendingAudit`, only while `guard.attribute` holds one of `guard.oneOf` and `unless` is absent.
   * A dotted name in `set` or `unless` is a path into a map. False when the condition fails
   * (someone else moved the item first); an unguarded write on a missing item throws.
   */
  private async guardedUpdate(key: Key, set: Record<string, unknown>, options: WriteOptions = {}): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const path = (name: string, prefix: string) => name.split('.').map((part, j) => { names[`#${prefix}${j}`] = part; return `#${prefix}${j}`; }).join('.');
    const assignments = Object.entries(set).map(([name, value], i) => {
      values[`:a${i}`] = value;
      return `${path(name, `a${i}_`)} = :a${i}`;
    });
    if (options.events?.length) {
      names['#pending'] = 'pendingAudit';
      values[':noEvents'] = [];
      values[':events'] = options.events;
      assignments.push('#pending = list_append(if_not_exists(#pending, :noEvents), :events)');
    }
    const removals = (options.remove ?? []).map((name, i) => path(name, `r${i}_`));
    if (assignments.length === 0 && removals.length === 0) return true;
    const conditions = ['attribute_exists(pk)'];
    if (options.guard) {
      names['#guard'] = options.guard.attribute;
      const allowed = options.guard.oneOf.map((value, i) => { values[`:g${i}`] = value; return `:g${i}`; });
      conditions.push(`#guard IN (${allowed.join(', ')})`);
    }
    if (options.unless) conditions.push(`attribute_not_exists(${path(options.unless, 'u')})`);
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: [assignments.length ? `SET ${assignments.join(', ')}` : '', removals.length ? `REMOVE ${removals.join(', ')}` : ''].filter(Boolean).join(' '),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }));
      return true;
    } catch (error) {
      if ((options.guard || options.unless) && isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The events waiting on the request's items (request first, then checkpoints in order) and the anchored head. */
  async pendingAudit(requestId: string): Promise<{ exists: boolean; head?: ChainHead; items: PendingOnItem[] }> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.request(requestId).pk },
      ProjectionExpression: 'pk, sk, pendingAudit, auditHead',
      ConsistentRead: true,
    });
    const request = items.find((i) => i.sk === 'REQUEST');
    return {
      exists: request !== undefined,
      head: request?.auditHead as ChainHead | undefined,
      items: items
        .sort((a, b) => (a.sk === 'REQUEST' ? -1 : b.sk === 'REQUEST' ? 1 : String(a.sk).localeCompare(String(b.sk))))
        .filter((i) => Array.isArray(i.pendingAudit) && i.pendingAudit.length > 0)
        .map((i) => ({ key: { pk: String(i.pk), sk: String(i.sk) }, events: i.pendingAudit as PendingEvent[] })),
    };
  }

  /**
   * Drops events that are now on the chain, only if the item's list is still exactly what was
   * read: an event appended meanwhile stays (its writer flushes it). On the request item the new
   * chain head can ride along (one write instead of two), only moving forward. False when a
   * condition failed: the list changed, or someone anchored a later head.
   */
  async clearPending(item: PendingOnItem, head?: ChainHead): Promise<boolean> {
    return clearPendingOn(this.db, this.tableName, item, head);
  }

  /** Moves the anchored chain head forward (never back: a slower writer's older head is ignored). */
  async anchorHead(requestId: string, head: ChainHead): Promise<void> {
    await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keys.request(requestId),
      UpdateExpression: 'SET auditHead = :head',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(auditHead) OR auditHead.seq < :seq)',
      ExpressionAttributeValues: { ':head': head, ':seq': head.seq },
    })).catch((error) => { if (!isConditionFailure(error)) throw error; });
  }

  /**
   * Earlier requests to the same vendor (by vendor key) submitted since `since`: from the same
   * department through bySplitKey, or, when the policy relates requests across departments,
   * from every department through byVendor, which holds just the facts a split check reads.
   * Either is one paged Query, bounded by one vendor key and the policy's period (a year at
   * most, see `splitting` in the policy schema).
   */
  async priorRequests(department: string, vendorName: string, since: string, scope: PriorScope = {}): Promise<PriorRecord[]> {
    if (scope.acrossDepartments) {
      const entries = await queryAll(this.db, {
        TableName: this.tableName,
        IndexName: 'byVendor',
        KeyConditionExpression: 'vendorKey = :k AND submittedAt >= :since',
        ExpressionAttributeValues: { ':k': vendorKey(vendorName), ':since': since },
      });
      return entries.map((entry) => {
        const facts = entry.splitFacts as SplitFacts;
        return {
          id: String(entry.pk).slice('REQUEST#'.length), ...(typeof entry.number === 'string' ? { number: entry.number } : {}),
          department: facts.department, vendorName: facts.vendorName, amountCents: facts.amountCents,
          submittedAt: String(entry.submittedAt), status: entry.status as RequestStatus,
        };
      });
    }
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'bySplitKey',
      KeyConditionExpression: 'splitKey = :k AND submittedAt >= :since',
      ExpressionAttributeValues: { ':k': splitKey(department, vendorName), ':since': since },
    });
    return items.map((item) => {
      const record = stripKeys<RequestRecord>(item);
      return {
        id: record.id, ...(record.number ? { number: record.number } : {}), department: record.request.department,
        vendorName: record.request.vendor.name, amountCents: record.request.amountCents, submittedAt: record.submittedAt, status: record.status,
      };
    });
  }

  /**
   * Newest first, through byStatus, byDepartment or byRecency, walking their month buckets from
   * the newest back to the service's first month. The cursor is opaque to callers and names the
   * bucket and the last key read in it; a page stops early (with a cursor) after
   * MAX_QUERIES_PER_PAGE Queries so a stretch of empty months never makes one call slow.
   */
  async list(query: ListQuery): Promise<ListPage> {
    const index: ListIndex = query.status
      ? { indexName: 'byStatus', keyName: 'statusKey', value: query.status }
      : query.department ? { indexName: 'byDepartment', keyName: 'departmentKey', value: query.department } : { indexName: 'byRecency', keyName: 'listKey', value: LIST_KEY };
    const nowMs = this.now();
    let position: ListPosition | undefined = query.cursor ? decodeCursor(query.cursor, index, nowMs) : { month: newestMonth(nowMs) };
    const items: RequestRecord[] = [];
    for (let queries = 1; position; queries += 1) {
      const filtered = Boolean(query.status && query.department);
      const out: QueryCommandOutput = await this.db.send(new QueryCommand({
        TableName: this.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: `${index.keyName} = :k`,
        ExpressionAttributeValues: { ':k': bucketKey(index.value, position.month), ...(filtered ? { ':d': bucketKey(query.department!, position.month) } : {}) },
        ...(filtered ? { FilterExpression: 'departmentKey = :d' } : {}),
        ScanIndexForward: false,
        Limit: query.limit - items.length,
        ExclusiveStartKey: position.startKey,
      }));
      items.push(...(out.Items ?? []).map((i) => stripKeys<RequestRecord>(i)));
      position = out.LastEvaluatedKey
        ? { month: position.month, startKey: out.LastEvaluatedKey as Record<string, string> }
        : position.month > FIRST_MONTH ? { month: previousMonth(position.month) } : undefined;
      if (position && (items.length >= query.limit || queries >= MAX_QUERIES_PER_PAGE)) return { items, nextCursor: encodeCursor(position) };
    }
    return { items };
  }

  /**
   * Requests still SUBMITTED that were submitted before `before`, oldest first: the byStatus
   * buckets of the last `months` months (this one included). The reconciler's only read.
   */
  async submittedBefore(before: string, months = 2): Promise<RequestRecord[]> {
    const found: RequestRecord[] = [];
    let month = newestMonth(this.now());
    for (let i = 0; i <= months && month >= FIRST_MONTH; i += 1, month = previousMonth(month)) {
      const items = await queryAll(this.db, {
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: 'statusKey = :k AND submittedAt < :before',
        ExpressionAttributeValues: { ':k': bucketKey('SUBMITTED', month), ':before': before },
      });
      found.push(...items.map((i) => stripKeys<RequestRecord>(i)));
    }
    return found.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  }

  // ---------------------------------------------------------------- lists for people (./request-lists.ts)

  /** A person's own requests, newest first, one page (byRequester). */
  async listByRequester(requesterEmail: string, page: { limit: number; cursor?: string }): Promise<RequesterPage> {
    return listByRequester(this.db, this.tableName, requesterEmail, page);
  }

  /** The pending checkpoints this person may decide, oldest first (byApprover, byEscalationContact). */
  async checkpointsWaitingFor(email: string): Promise<QueuedCheckpoint[]> {
    return checkpointsWaitingFor(this.db, this.tableName, email);
  }

  /** Every open request, newest month first, at most `max` (byStatus, every month bucket). */
  async openRequests(max: number): Promise<OpenRequests> {
    return openRequests(this.db, this.tableName, this.now(), max);
  }

  /** Request items by id (consistent reads, a few at a time). */
  async getMany(ids: readonly string[]): Promise<RequestRecord[]> {
    return getRequests(this.db, this.tableName, ids);
  }

  /** Checkpoint items by position (consistent reads, a few at a time). */
  async getCheckpoints(positions: ReadonlyArray<{ requestId: string; index: number }>): Promise<CheckpointRecord[]> {
    return getCheckpoints(this.db, this.tableName, positions);
  }
}

export { InvalidCursorError } from './request-buckets';
export { isConditionFailure };
