/**
 * The contracts table: every contract of the registry under one partition (pk REGISTRY, sk
 * CONTRACT#id). A registry is small (a city holds tens to a few hundred such contracts), so a
 * search is one Query over that partition (paged by `queryAll`) filtered in code; past about
 * 2,000 contracts a search reads several megabytes and wants an index per category instead.
 *
 * Like the requests table, each change is one conditional write that carries its audit events
 * (`pendingAudit`); `flushAudit` puts them on the contract's own chain in the audit table,
 * partition `CONTRACT#id` (`contractAuditKey`). The requests bought under a contract are a map on
 * its item (`uses`, request id → amount and status) and `spentCents` their approved total, kept
 * by the same single-item write, so a retried approval never counts twice. The map bounds a
 * contract to about 5,000 requests (the 400 KB item limit).
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChainHead } from '../audit/chain';
import type { ContractFacts, Verifier } from '../domain/contracts';
import type { RequestStatus } from '../domain/vocabulary';
import { queryAll } from './query-all';
import type { PendingEvent } from './records';
import { clearPendingOn, isConditionFailure, whenConditionHolds, type PendingOnItem } from './requests-table';

export interface ContractUse {
  requestId: string;
  number?: string;
  title: string;
  department: string;
  amountCents: number;
  status: RequestStatus;
  at: string;
}

export interface ContractRecord extends ContractFacts {
  createdAt: string;
  createdBy: Verifier;
  updatedAt: string;
  updatedBy: Verifier;
  /** Bumped by every edit; an edit applies only to the version it was made from. */
  version: number;
  /** Sum of the APPROVED uses, in cents. */
  spentCents: number;
  uses: Record<string, ContractUse>;
  /** Alerts already sent (expiry-90, spend-80, …) and when. */
  alertsSent: Record<string, string>;
  auditHead?: ChainHead;
}

const REGISTRY = 'REGISTRY';
const PREFIX = 'CONTRACT#';
const keyOf = (id: string) => ({ pk: REGISTRY, sk: `${PREFIX}${id}` });

/** The contract's partition in the audit table (request ids are ULIDs, so the two never meet). */
export const contractAuditKey = (id: string): string => `${PREFIX}${id}`;
const idOfAuditKey = (auditKey: string): string => auditKey.slice(PREFIX.length);

/** What an edit may replace: everything but identity, bookkeeping, spend and alerts. */
export const EDITABLE: ReadonlyArray<keyof ContractFacts> = [
  'vehicle', 'number', 'supplier', 'gpo', 'gpoModel', 'leadAgency', 'state', 'addendumRequired', 'facts',
  'categories', 'scope', 'ceilingCents', 'termStart', 'termEnd', 'documentIds',
];

const strip = (item: Record<string, unknown>): ContractRecord => {
  const { pk: _pk, sk: _sk, pendingAudit: _p, ...rest } = item;
  return rest as unknown as ContractRecord;
};

export class ContractsTable {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Stores a new contract with its first audit event; false if the id exists. */
  async create(record: ContractRecord, events: readonly PendingEvent[]): Promise<boolean> {
    return whenConditionHolds(this.db.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...keyOf(record.id), ...record, pendingAudit: events },
      ConditionExpression: 'attribute_not_exists(pk)',
    })));
  }

  async get(id: string): Promise<ContractRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keyOf(id), ConsistentRead: true }));
    return out.Item ? strip(out.Item) : undefined;
  }

  /** The whole registry: one Query over its partition. */
  async list(): Promise<ContractRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': REGISTRY, ':prefix': PREFIX },
    });
    return items.map(strip);
  }

  /**
   * Replaces the editable fields (an absent optional field is removed), only while the stored
   * version is `version`; false when someone else edited first.
   */
  async replace(id: string, version: number, next: Pick<ContractRecord, 'updatedAt' | 'updatedBy'> & ContractFacts, events: readonly PendingEvent[]): Promise<boolean> {
    const names: Record<string, string> = { '#version': 'version', '#pending': 'pendingAudit' };
    const values: Record<string, unknown> = { ':version': version, ':next': version + 1, ':events': events, ':none': [] };
    const set = ['#version = :next', '#pending = list_append(if_not_exists(#pending, :none), :events)'];
    const remove: string[] = [];
    for (const [i, field] of [...EDITABLE, 'updatedAt', 'updatedBy'].entries()) {
      names[`#f${i}`] = field;
      const value = (next as unknown as Record<string, unknown>)[field];
      if (value === undefined) remove.push(`#f${i}`);
      else {
        values[`:f${i}`] = value;
        set.push(`#f${i} = :f${i}`);
      }
    }
    return whenConditionHolds(this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(id),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: 'attribute_exists(pk) AND #version = :version',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    })));
  }

  /**
   * Records a request under the contract (routed, then its outcome). An APPROVED use adds its
   * amount to `spentCents`; a use already APPROVED is never rewritten, so a retried approval
   * counts once. False when nothing was written (no such contract, or already approved).
   */
  async recordUse(id: string, use: ContractUse, events: readonly PendingEvent[]): Promise<boolean> {
    const approved = use.status === 'APPROVED';
    return whenConditionHolds(this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(id),
      UpdateExpression: `SET #uses.#rid = :use, #pending = list_append(if_not_exists(#pending, :none), :events)${approved ? ', #spent = #spent + :cents' : ''}`,
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#uses.#rid) OR #uses.#rid.#status <> :approved)',
      ExpressionAttributeNames: { '#uses': 'uses', '#rid': use.requestId, '#status': 'status', '#pending': 'pendingAudit', ...(approved ? { '#spent': 'spentCents' } : {}) },
      ExpressionAttributeValues: { ':use': use, ':approved': 'APPROVED', ':events': events, ':none': [], ...(approved ? { ':cents': use.amountCents } : {}) },
    })));
  }

  /** Claims alerts as sent (each at most once); false when another run claimed one of them first. */
  async claimAlerts(id: string, keys: readonly string[], at: string, events: readonly PendingEvent[]): Promise<boolean> {
    if (keys.length === 0) return true;
    const names: Record<string, string> = { '#alerts': 'alertsSent', '#pending': 'pendingAudit' };
    const values: Record<string, unknown> = { ':at': at, ':events': events, ':none': [] };
    const set = keys.map((key, i) => { names[`#k${i}`] = key; return `#alerts.#k${i} = :at`; });
    const unclaimed = keys.map((_key, i) => `attribute_not_exists(#alerts.#k${i})`);
    return whenConditionHolds(this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(id),
      UpdateExpression: `SET ${set.join(', ')}, #pending = list_append(if_not_exists(#pending, :none), :events)`,
      ConditionExpression: `attribute_exists(pk) AND ${unclaimed.join(' AND ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    })));
  }

  /** Gives a claimed alert back (its mail could not be sent), so the next run sends it. */
  async releaseAlert(id: string, key: string, events: readonly PendingEvent[]): Promise<void> {
    await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(id),
      UpdateExpression: 'REMOVE #alerts.#k SET #pending = list_append(if_not_exists(#pending, :none), :events)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#alerts': 'alertsSent', '#k': key, '#pending': 'pendingAudit' },
      ExpressionAttributeValues: { ':events': events, ':none': [] },
    }));
  }

  // The audit ports `flushAudit` needs, keyed by the contract's audit partition.

  async pendingAudit(auditKey: string): Promise<{ exists: boolean; head?: ChainHead; items: PendingOnItem[] }> {
    const key = keyOf(idOfAuditKey(auditKey));
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true, ProjectionExpression: 'pk, sk, pendingAudit, auditHead' }));
    const item = out.Item;
    const events = Array.isArray(item?.pendingAudit) ? (item.pendingAudit as PendingEvent[]) : [];
    return {
      exists: item !== undefined,
      head: item?.auditHead as ChainHead | undefined,
      items: events.length > 0 ? [{ key, events }] : [],
    };
  }

  async clearPending(item: PendingOnItem, head?: ChainHead): Promise<boolean> {
    return clearPendingOn(this.db, this.tableName, item, head);
  }

  async anchorHead(auditKey: string, head: ChainHead): Promise<void> {
    await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keyOf(idOfAuditKey(auditKey)),
      UpdateExpression: 'SET auditHead = :head',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(auditHead) OR auditHead.seq < :seq)',
      ExpressionAttributeValues: { ':head': head, ':seq': head.seq },
    })).catch((error) => { if (!isConditionFailure(error)) throw error; });
  }
}
