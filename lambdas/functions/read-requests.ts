/** ReadRequests on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB. */
import { makeHandler } from '../handlers/read-requests';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('ReadRequests'));
