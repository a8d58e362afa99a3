/** The Lambda `context` argument, as far as handlers running in process can use it. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export const functionArn = (functionId: string): string =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionId}`;

/** A handler as exported by `lambdas/handlers/*` (`export const handler`). */
export type LambdaHandler = (event: never, context: Context) => unknown;

/** Call a handler with a fresh context; `timeoutMs` only feeds `getRemainingTimeInMillis`. */
export const invokeHandler = async (
  functionId: string, handler: LambdaHandler, event: unknown, timeoutMs = 30_000,
): Promise<unknown> => {
  const deadline = Date.now() + timeoutMs;
  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: functionId,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(functionId),
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionId}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  return (handler as (event: unknown, context: Context) => unknown)(event, context);
};
