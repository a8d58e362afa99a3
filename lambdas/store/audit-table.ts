/**
 * Append-only audit events, one partition per request, ordered by seq. Events reach it only
 * through `flushAudit` (./audit-flush.ts), which seals each onto the chain and writes it only if
 * that seq is still free; a writer that loses the race reads what was appended and tries again,
 * so concurrent writers never fork the chain.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../audit/chain';
import { queryAll } from './query-all';
import { isConditionFailure } from './requests-table';

export class AuditTable {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** The whole trail in seq order. */
  async list(requestId: string): Promise<AuditEvent[]> {
    return this.listAfter(requestId, 0);
  }

  /** The events after `seq`, in seq order. */
  async listAfter(requestId: string, seq: number): Promise<AuditEvent[]> {
    return (await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'requestId = :r AND seq > :s',
      ExpressionAttributeValues: { ':r': requestId, ':s': seq },
      ConsistentRead: true,
    })) as unknown as AuditEvent[];
  }

  /** Writes a sealed event at its seq; false if that seq is taken (another writer got there first). */
  async putSealed(event: AuditEvent): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: event, ConditionExpression: 'attribute_not_exists(seq)' }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
