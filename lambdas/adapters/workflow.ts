/**
 * The state machine as the use cases see it. The SFN client is injected, so tests pass a fake and
 * the local stack reaches its engine through the same SDK calls as AWS.
 */
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';

export interface Workflow {
  start(name: string, input: Record<string, unknown>): Promise<void>;
  succeed(taskToken: string, output: Record<string, unknown>): Promise<TaskResponseOutcome>;
  fail(taskToken: string, error: string, cause: string): Promise<TaskResponseOutcome>;
}

/** `stale`: the token expired or was replaced by a newer deadline phase; the next phase picks the decision up. */
export type TaskResponseOutcome = 'delivered' | 'stale';

const STALE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export class StepFunctionsWorkflow implements Workflow {
  constructor(private readonly sfn: SFNClient, private readonly stateMachineArn: string) {}

  async start(name: string, input: Record<string, unknown>): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (error) {
      // Same name and same input: the execution is already running, which is what we wanted.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  }

  async succeed(taskToken: string, output: Record<string, unknown>): Promise<TaskResponseOutcome> {
    return this.respond(() => this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<TaskResponseOutcome> {
    return this.respond(() => this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause: cause.slice(0, 32768) })));
  }

  private async respond(send: () => Promise<unknown>): Promise<TaskResponseOutcome> {
    try {
      await send();
      return 'delivered';
    } catch (error) {
      if (error instanceof Error && STALE_TOKEN_ERRORS.has(error.name)) return 'stale';
      throw error;
    }
  }
}
