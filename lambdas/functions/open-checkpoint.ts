/** OpenCheckpoint on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB. */
import { makeHandler } from '../handlers/open-checkpoint';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('OpenCheckpoint'));
