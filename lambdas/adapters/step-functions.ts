/** The workflow on AWS: Step Functions through the SDK client, for functions granted the state machine. */
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { workflowOver, type Workflow } from './workflow';

export const stepFunctionsWorkflow = (stateMachineArn: string, sfn: SFNClient = new SFNClient({})): Workflow => workflowOver({
  startExecution: (name, input) => sfn.send(new StartExecutionCommand({ stateMachineArn, name, input })),
  sendTaskSuccess: (taskToken, output) => sfn.send(new SendTaskSuccessCommand({ taskToken, output })),
  sendTaskFailure: (taskToken, error, cause) => sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })),
});
