/** RequestApproval on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Step Functions, SES. */
import { sesMailer } from '../adapters/ses-mailer';
import { stepFunctionsWorkflow } from '../adapters/step-functions';
import { makeHandler } from '../handlers/request-approval';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('RequestApproval', { workflow: stepFunctionsWorkflow, mailer: sesMailer }));
