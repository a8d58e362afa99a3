/**
 * The requests table: request items and their checkpoint items under one partition, so a request
 * and its whole chain come back from one strongly consistent Query. Every state change is a
 * single-item conditional write (no transactions: dynalite has none, and none are needed).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { splitKey } from '../domain';
import type { RoutingDecision } from '../domain';
import { queryAll } from './query-all';
import {
  decodeCursor, encodeCursor, FIRST_MONTH, LIST_KEY, listKeyAttributes, MAX_QUERIES_PER_PAGE, newestMonth, previousMonth,
  statusKeyOf, bucketKey, type ListIndex, type ListPosition,
} from './request-buckets';
import { keys, type CheckpointRecord, type CheckpointState, type DecisionRecord, type RequestRecord, type RequestStatus } from './records';

export interface ListQuery { status?: RequestStatus; department?: string; limit: number; cursor?: string }
export interface ListPage { items: RequestRecord[]; nextCursor?: string }
export interface PriorRecord { id: string; department: string; vendorName: string; amountCents: number; submittedAt: string; status: RequestStatus }

const stripKeys = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, statusKey: _s, departmentKey: _d, splitKey: _k, listKey: _l, ...rest } = item;
  return rest as T;
};

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException
  || (error instanceof Error && error.name === 'ConditionalCheckFailedException');

export class RequestsTable {
  /** `now` picks the newest list bucket; request ids (ULIDs) take their month from the same wall clock. */
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, private readonly now: () => number = Date.now) {}

  /** Stores a new request; false if the id exists already. */
  async create(record: RequestRecord): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.request(record.id),
          ...record,
          ...listKeyAttributes(record.id, record.status, record.request.department),
          splitKey: splitKey(record.request.department, record.request.vendor.name),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
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
   * Records the routing decision. Checkpoint items are written first (plain puts, so a retry
   * rewrites the same items); the request flips from SUBMITTED last, conditionally, so a request
   * is never seen routed with half its chain.
   */
  async recordRouting(id: string, routing: RoutingDecision, at: string): Promise<boolean> {
    for (const checkpoint of routing.checkpoints) {
      const record: CheckpointRecord = { ...checkpoint, requestId: id, state: 'waiting' };
      await this.db.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.checkpoint(id, checkpoint.index), ...record },
        ConditionExpression: 'attribute_not_exists(pk) OR #state = :waiting',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':waiting': 'waiting' },
      })).catch((error) => { if (!isConditionFailure(error)) throw error; });
    }
    return this.transition(id, ['SUBMITTED'], routing.status, { routing, updatedAt: at });
  }

  /**
   * Moves a request from one of `from` to `to`, setting extra attributes; false when the
   * request is not in one of `from` (someone else moved it first).
   */
  async transition(id: string, from: readonly RequestStatus[], to: RequestStatus, set: Partial<RequestRecord> = {}): Promise<boolean> {
    return this.guardedUpdate(keys.request(id), { ...set, status: to, statusKey: statusKeyOf(id, to) }, { attribute: 'status', oneOf: from });
  }

  /** Sets attributes on a request without a status condition (bookkeeping such as currentIndex). */
  async annotate(id: string, set: Partial<RequestRecord>): Promise<void> {
    await this.guardedUpdate(keys.request(id), set);
  }

  /** Opens a waiting checkpoint; false if it was not waiting. */
  async openCheckpoint(requestId: string, index: number, set: Pick<CheckpointRecord, 'openedAt' | 'deadlines'>): Promise<boolean> {
    return this.moveCheckpoint(requestId, index, ['waiting'], 'pending', set);
  }

  /** The first decision wins: only a pending checkpoint can be decided. */
  async decideCheckpoint(requestId: string, index: number, decision: DecisionRecord): Promise<boolean> {
    const to: CheckpointState = decision.decision === 'approve' ? 'approved' : 'rejected';
    return this.moveCheckpoint(requestId, index, ['pending'], to, { decision, closedAt: decision.decidedAt });
  }

  async closeCheckpoint(requestId: string, index: number, from: CheckpointState[], to: CheckpointState, at: string): Promise<boolean> {
    return this.moveCheckpoint(requestId, index, from, to, { closedAt: at });
  }

  private async moveCheckpoint(requestId: string, index: number, from: CheckpointState[], to: CheckpointState, set: Partial<CheckpointRecord>): Promise<boolean> {
    return this.guardedUpdate(keys.checkpoint(requestId, index), { ...set, state: to }, { attribute: 'state', oneOf: from });
  }

  /**
   * One conditional UpdateItem: sets `set` on an existing item, only while `guard.attribute` holds
   * one of `guard.oneOf`. False when the condition fails (someone else moved the item first).
   */
  private async guardedUpdate(key: Record<string, string>, set: Record<string, unknown>, guard?: { attribute: string; oneOf: readonly string[] }): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(set).map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      return `#a${i} = :a${i}`;
    });
    let condition = 'attribute_exists(pk)';
    if (guard) {
      names['#guard'] = guard.attribute;
      const allowed = guard.oneOf.map((value, i) => { values[`:g${i}`] = value; return `:g${i}`; });
      condition += ` AND #guard IN (${allowed.join(', ')})`;
    }
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }));
      return true;
    } catch (error) {
      if (guard && isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Earlier requests to the same vendor from the same department, through the bySplitKey index. */
  async priorRequests(department: string, vendorName: string, since: string): Promise<PriorRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'bySplitKey',
      KeyConditionExpression: 'splitKey = :k AND submittedAt >= :since',
      ExpressionAttributeValues: { ':k': splitKey(department, vendorName), ':since': since },
    });
    return items.map((item) => {
      const record = stripKeys<RequestRecord>(item);
      return {
        id: record.id, department: record.request.department, vendorName: record.request.vendor.name,
        amountCents: record.request.amountCents, submittedAt: record.submittedAt, status: record.status,
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
}

export { InvalidCursorError } from './request-buckets';
export { isConditionFailure };
