/** AdvanceDeadline on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB. */
import { makeHandler } from '../handlers/advance-deadline';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('AdvanceDeadline'));
