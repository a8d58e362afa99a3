/**
 * Watches the Step Functions calls the functions make, at the Workflow port: the local stack wraps
 * the port every function gets (`wrapWorkflow`), and the observer records each call (operation,
 * the task token's fingerprint, the answer) before passing it on unchanged. It lets a test count
 * how many SendTask* calls reached the workflow.
 */
import { createHash } from 'node:crypto';
import type { TaskResponseOutcome, Workflow } from '../../../lambdas/adapters/workflow';

export interface ObservedCall {
  /** `StartExecution`, `SendTaskSuccess` or `SendTaskFailure` */
  operation: string;
  /** sha256 of the task token (never the token itself), when the call carried one */
  token?: string;
  /** `delivered` or `stale` for SendTask*, `started` for StartExecution, or the name of the error it threw */
  outcome: TaskResponseOutcome | 'started' | string;
}

export interface SfnObserver {
  /** Pass as the local stack's `wrapWorkflow`. */
  wrap(workflow: Workflow): Workflow;
  calls: ObservedCall[];
  sendTaskCalls(since?: number): ObservedCall[];
}

export const startSfnObserver = (): SfnObserver => {
  const calls: ObservedCall[] = [];
  const fingerprint = (token: string) => createHash('sha256').update(token).digest('hex');
  const record = async <T extends string | void>(operation: string, token: string | undefined, call: () => Promise<T>): Promise<T> => {
    try {
      const answer = await call();
      calls.push({ operation, token, outcome: answer || 'started' });
      return answer;
    } catch (error) {
      calls.push({ operation, token, outcome: (error as Error).name });
      throw error;
    }
  };
  return {
    wrap: (workflow) => ({
      start: (name, input) => record('StartExecution', undefined, () => workflow.start(name, input)),
      succeed: (taskToken, output) => record('SendTaskSuccess', fingerprint(taskToken), () => workflow.succeed(taskToken, output)),
      fail: (taskToken, error, cause) => record('SendTaskFailure', fingerprint(taskToken), () => workflow.fail(taskToken, error, cause)),
    }),
    calls,
    sendTaskCalls: (since = 0) => calls.slice(since).filter((c) => c.operation.startsWith('SendTask')),
  };
};
