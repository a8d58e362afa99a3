/**
 * Idempotency-Key records for POST /requests: the first submission with a key claims it with a
 * conditional put; a repeat finds the claim and gets the same request back.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './requests-table';

export interface IdempotencyRecord { key: string; requestId: string; bodyHash: string; createdAt: string; expiresAtEpoch: number }

export class IdempotencyTable {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Claims the key; returns the earlier record when somebody claimed it first. */
  async claim(record: IdempotencyRecord): Promise<{ claimed: true } | { claimed: false; existing: IdempotencyRecord }> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': 'key' } }));
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { key: record.key }, ConsistentRead: true }));
      return { claimed: false, existing: out.Item as IdempotencyRecord };
    }
  }
}
