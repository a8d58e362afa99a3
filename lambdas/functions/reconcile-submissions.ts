/** ReconcileSubmissions on AWS (the bundle entry lambdas/catalog.ts names): DynamoDB, Step Functions. */
import { stepFunctionsWorkflow } from '../adapters/step-functions';
import { DEFAULT_GRACE_SECONDS } from '../app/reconcile';
import { ENV } from '../catalog';
import { makeHandler } from '../handlers/reconcile-submissions';
import { awsDeps } from './aws';

/** RECONCILE_GRACE_SECONDS when set, else the default; anything but a number of seconds fails the start. */
const graceSeconds = (text = process.env[ENV.reconcileGraceSeconds]?.trim()): number => {
  if (!text) return DEFAULT_GRACE_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`${ENV.reconcileGraceSeconds} must be a number of seconds, got "${text}"`);
  return seconds;
};

export const handler = makeHandler(awsDeps('ReconcileSubmissions', { workflow: stepFunctionsWorkflow }), graceSeconds());
