/**
 * The DynamoDB document client the stores use, with the one marshalling choice they rely on
 * (attributes set to `undefined` are left out). The low-level client is built by the composition
 * root: on AWS from the function's environment, locally pointed at dynalite.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
