/** ListPages on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB. */
import { makeHandler } from '../handlers/list-pages';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('ListPages'));
