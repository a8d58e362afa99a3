/**
 * Append-only audit events, one partition per request, ordered by seq. An append reads the last
 * event, seals the new one onto the chain and writes it only if that seq is still free; a writer
 * that loses the race re-reads and tries again, so concurrent appends never fork the chain.
 */
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { GENESIS_HASH, sealEvent, type Actor, type AuditEvent } from '../audit/chain';
import { queryAll } from './query-all';
import { isConditionFailure } from './requests-table';

export interface NewAuditEvent { type: string; actor: Actor; data?: Record<string, unknown> }
/** An event to write unless one `isSame` is already on the chain. */
export interface OnceEntry { event: NewAuditEvent; isSame: (existing: AuditEvent) => boolean }

const MAX_ATTEMPTS = 25;

export class AuditTable {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, private readonly clock: () => Date) {}

  async append(requestId: string, event: NewAuditEvent): Promise<AuditEvent> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const last = await this.last(requestId);
      const sealed = sealEvent(last?.hash ?? GENESIS_HASH, {
        requestId, seq: (last?.seq ?? 0) + 1, at: this.clock().toISOString(), type: event.type, actor: event.actor, data: event.data ?? {},
      });
      try {
        await this.db.send(new PutCommand({ TableName: this.tableName, Item: sealed, ConditionExpression: 'attribute_not_exists(seq)' }));
        return sealed;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));
      }
    }
    throw new Error(`could not append an audit event for ${requestId} after ${MAX_ATTEMPTS} attempts`);
  }

  /**
   * Appends unless an event `isSame` is already on the chain. Tasks use it for their milestone
   * events: a retry after a failure between the state change and its event (a crash, a storage
   * error) writes the missing event instead of skipping it, and never writes it twice.
   */
  async appendOnce(requestId: string, event: NewAuditEvent, isSame: (existing: AuditEvent) => boolean): Promise<AuditEvent> {
    const [written] = await this.appendEachOnce(requestId, [{ event, isSame }]);
    return written!;
  }

  /** `appendOnce` for several events, in order, reading the trail once. */
  async appendEachOnce(requestId: string, entries: OnceEntry[]): Promise<AuditEvent[]> {
    if (entries.length === 0) return [];
    const trail = await this.list(requestId);
    const result: AuditEvent[] = [];
    for (const { event, isSame } of entries) {
      result.push(trail.find((e) => e.type === event.type && isSame(e)) ?? await this.append(requestId, event));
    }
    return result;
  }

  async list(requestId: string): Promise<AuditEvent[]> {
    return (await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'requestId = :r',
      ExpressionAttributeValues: { ':r': requestId },
      ConsistentRead: true,
    })) as unknown as AuditEvent[];
  }

  private async last(requestId: string): Promise<AuditEvent | undefined> {
    const out = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'requestId = :r',
      ExpressionAttributeValues: { ':r': requestId },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }));
    return out.Items?.[0] as AuditEvent | undefined;
  }
}
