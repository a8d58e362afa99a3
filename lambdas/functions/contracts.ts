/** Contracts on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB. */
import { makeHandler } from '../handlers/contracts';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('Contracts'));
