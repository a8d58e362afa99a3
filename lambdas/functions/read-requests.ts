/** ReadRequests on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, S3 (reading document declarations). */
import { awsDocumentStore } from '../adapters/documents';
import { makeHandler } from '../handlers/read-requests';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('ReadRequests', { documents: awsDocumentStore }));
