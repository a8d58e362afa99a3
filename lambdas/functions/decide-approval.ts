/** DecideApproval on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Step Functions, Secrets Manager. */
import { secretsManagerSource } from '../adapters/link-secret';
import { stepFunctionsWorkflow } from '../adapters/step-functions';
import { makeHandler } from '../handlers/decide-approval';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('DecideApproval', { workflow: stepFunctionsWorkflow, linkSecret: secretsManagerSource }));
