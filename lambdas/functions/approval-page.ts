/** ApprovalPage on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Secrets Manager. */
import { secretsManagerSource } from '../adapters/link-secret';
import { makeHandler } from '../handlers/approval-page';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('ApprovalPage', { linkSecret: secretsManagerSource }));
