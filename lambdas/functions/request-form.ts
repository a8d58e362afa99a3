/** RequestForm on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Step Functions, S3 (verifying documents). */
import { awsDocumentStore } from '../adapters/documents';
import { stepFunctionsWorkflow } from '../adapters/step-functions';
import { makeHandler } from '../handlers/request-form';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('RequestForm', { workflow: stepFunctionsWorkflow, documents: awsDocumentStore }));
