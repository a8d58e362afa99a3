/** RouteRequest on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB. */
import { makeHandler } from '../handlers/route-request';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('RouteRequest'));
