/** ApprovalPage on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Secrets Manager, S3 (download links). */
import { awsDocumentStore } from '../adapters/documents';
import { secretsManagerSource } from '../adapters/link-secret';
import { makeHandler } from '../handlers/approval-page';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('ApprovalPage', { linkSecret: secretsManagerSource, documents: awsDocumentStore }));
