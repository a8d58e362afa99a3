/**
 * The approvals table holds the credentials: approval links (the opaque ids mailed to approvers)
 * and, per checkpoint, the Step Functions task token. Only the functions that need them are
 * granted this table; nothing here is ever returned by the read API.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './requests-table';
import { keys, type CallbackRecord, type LinkRecord, type Phase } from './records';

export class ApprovalsTable {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async getLink(approvalId: string): Promise<LinkRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.link(approvalId), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, ...link } = out.Item;
    return link as LinkRecord;
  }

  async putLink(link: LinkRecord): Promise<void> {
    await this.db.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...keys.link(link.approvalId), ...link },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  async getCallback(requestId: string, index: number): Promise<CallbackRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.callback(requestId, index), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, ...record } = out.Item;
    return record as CallbackRecord;
  }

  /** Stores the live task token for the checkpoint (each deadline phase gets a new one). */
  async storeToken(requestId: string, index: number, taskToken: string, phase: Phase): Promise<CallbackRecord> {
    const out = await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: keys.callback(requestId, index),
      UpdateExpression: 'SET requestId = :r, #index = :i, taskToken = :t, phase = :p',
      ExpressionAttributeNames: { '#index': 'index' },
      ExpressionAttributeValues: { ':r': requestId, ':i': index, ':t': taskToken, ':p': phase },
      ReturnValues: 'ALL_NEW',
    }));
    const { pk: _pk, ...record } = out.Attributes ?? {};
    return record as CallbackRecord;
  }

  /** Remembers a link id on the checkpoint once; returns the id that won (ours or an earlier one). */
  async rememberLink(requestId: string, index: number, field: 'primaryLinkId' | 'escalationLinkId', approvalId: string): Promise<string> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: keys.callback(requestId, index),
        UpdateExpression: 'SET #f = :id',
        ConditionExpression: 'attribute_not_exists(#f)',
        ExpressionAttributeNames: { '#f': field },
        ExpressionAttributeValues: { ':id': approvalId },
      }));
      return approvalId;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.getCallback(requestId, index);
      return existing![field]!;
    }
  }
}
