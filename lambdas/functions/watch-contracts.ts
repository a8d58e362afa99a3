/** WatchContracts on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, SES. */
import { sesMailer } from '../adapters/ses-mailer';
import { makeHandler } from '../handlers/watch-contracts';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('WatchContracts', { mailer: sesMailer }));
