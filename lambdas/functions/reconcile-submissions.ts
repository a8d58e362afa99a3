/** ReconcileSubmissions on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Step Functions. */
import { stepFunctionsWorkflow } from '../adapters/step-functions';
import { graceSecondsFrom } from '../app/reconcile';
import { makeHandler } from '../handlers/reconcile-submissions';
import { awsDeps } from './aws';

export const handler = makeHandler(awsDeps('ReconcileSubmissions', { workflow: stepFunctionsWorkflow }), graceSecondsFrom(process.env));
