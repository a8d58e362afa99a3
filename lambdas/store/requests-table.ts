/**
 * The requests table: request items and their checkpoint items under one partition, so a request
 * and its whole chain come back from one strongly consistent Query. Every state change is a
 * single-item conditional write (no transactions: dynalite has none, and none are needed).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { splitKey } from '../domain';
import type { RoutingDecision } from '../domain';
import { TABLES, type AttributeType, type IndexDefinition, type KeyAttribute } from '../shared/tables';
import { queryAll } from './query-all';
import { keys, type CheckpointRecord, type CheckpointState, type DecisionRecord, type RequestRecord, type RequestStatus } from './records';

const LIST_KEY = 'REQUEST';

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
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Stores a new request; false if the id exists already. */
  async create(record: RequestRecord): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.request(record.id),
          ...record,
          statusKey: record.status,
          departmentKey: record.request.department,
          splitKey: splitKey(record.request.department, record.request.vendor.name),
          listKey: LIST_KEY,
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
    return this.guardedUpdate(keys.request(id), { ...set, status: to, statusKey: to }, { attribute: 'status', oneOf: from });
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

  /** Newest first, through byStatus, byDepartment or byRecency; the cursor is opaque to callers. */
  async list(query: ListQuery): Promise<ListPage> {
    const [indexName, keyName, keyValue] = query.status
      ? ['byStatus', 'statusKey', query.status]
      : query.department ? ['byDepartment', 'departmentKey', query.department] : ['byRecency', 'listKey', LIST_KEY];
    const filter = query.status && query.department ? { FilterExpression: 'departmentKey = :d' } : {};
    const out = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${keyName} = :k`,
      ExpressionAttributeValues: { ':k': keyValue, ...(filter.FilterExpression ? { ':d': query.department } : {}) },
      ...filter,
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: query.cursor ? decodeCursor(query.cursor) : undefined,
    }));
    return {
      items: (out.Items ?? []).map((i) => stripKeys<RequestRecord>(i)),
      nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : undefined,
    };
  }
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  readonly code = 'validation_failed';
  get fields() { return [{ field: 'cursor', message: this.message }]; }
}

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
/**
 * A cursor is a LastEvaluatedKey we issued: the table's key plus one index's key, every attribute
 * of the type TABLES declares. Anything else is forged or stale, the caller's mistake (400): a
 * value of the wrong type must never reach the SDK, which throws on numbers beyond 2^53 (a 500).
 */
const CURSOR_SHAPES: ReadonlyArray<ReadonlyMap<string, AttributeType>> = TABLES.requests.globalIndexes.map((index: IndexDefinition) => new Map(
  [TABLES.requests.partitionKey, TABLES.requests.sortKey, index.partitionKey, index.sortKey]
    .filter((a): a is KeyAttribute => a !== undefined)
    .map((a) => [a.name, a.type]),
));
const MAX_KEY_STRING = 2048;
const fitsType = (value: unknown, type: AttributeType): boolean => (type === 'S'
  ? typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_STRING
  : typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER);

const decodeCursor = (cursor: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch { /* refused below */ }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const key = parsed as Record<string, unknown>;
    const names = Object.keys(key);
    const fits = CURSOR_SHAPES.some((shape) => shape.size === names.length
      && names.every((name) => shape.has(name) && fitsType(key[name], shape.get(name)!)));
    if (fits) return key;
  }
  throw new InvalidCursorError('the cursor is not one this service issued');
};

export { isConditionFailure };
