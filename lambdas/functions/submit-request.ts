/** SubmitRequest on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Step Functions, S3 (verifying documents). */
import { awsDocumentStore } from '../adapters/documents';
import { stepFunctionsWorkflow } from '../adapters/step-functions';
import { makeHandler } from '../handlers/submit-request';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('SubmitRequest', { workflow: stepFunctionsWorkflow, documents: awsDocumentStore }));
