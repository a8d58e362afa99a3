/**
 * The state machine as the use cases see it, and the one reading of Step Functions' answers
 * (already running, stale token) shared by both engines: the SDK client on AWS
 * (lambdas/adapters/step-functions.ts) and the in-process engine of the local stack. Both throw
 * errors named as the AWS API names them, so tests can pass a fake engine or a fake Workflow.
 */
export interface Workflow {
  start(name: string, input: Record<string, unknown>): Promise<void>;
  succeed(taskToken: string, output: Record<string, unknown>): Promise<TaskResponseOutcome>;
  fail(taskToken: string, error: string, cause: string): Promise<TaskResponseOutcome>;
}

/** `stale`: the token expired or was replaced by a newer deadline phase; the next phase picks the decision up. */
export type TaskResponseOutcome = 'delivered' | 'stale';

/** The three Step Functions calls the product makes, with JSON text as the API takes it. */
export interface StepFunctionsCalls {
  startExecution(name: string, input: string): Promise<unknown>;
  sendTaskSuccess(taskToken: string, output: string): Promise<unknown>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<unknown>;
}

const STALE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);
/** Step Functions' limit on a failure's cause. */
const MAX_CAUSE_LENGTH = 32768;

const respond = async (send: () => Promise<unknown>): Promise<TaskResponseOutcome> => {
  try {
    await send();
    return 'delivered';
  } catch (error) {
    if (error instanceof Error && STALE_TOKEN_ERRORS.has(error.name)) return 'stale';
    throw error;
  }
};

export const workflowOver = (calls: StepFunctionsCalls): Workflow => ({
  async start(name, input) {
    try {
      await calls.startExecution(name, JSON.stringify(input));
    } catch (error) {
      // Same name and same input: the execution is already running, which is what we wanted.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  },
  succeed: (taskToken, output) => respond(() => calls.sendTaskSuccess(taskToken, JSON.stringify(output))),
  fail: (taskToken, error, cause) => respond(() => calls.sendTaskFailure(taskToken, error, cause.slice(0, MAX_CAUSE_LENGTH))),
});
