/**
 * The in-process state machine as the functions' Workflow port. The engine throws errors named as
 * the Step Functions API names them (StepFunctionsError), so the port's one reading of them
 * (lambdas/adapters/workflow.ts) applies unchanged: no AWS wire protocol in between.
 */
import { workflowOver, type Workflow } from '../lambdas/adapters/workflow';
import type { LocalStepFunctions } from './step-functions';

/** `engine` is resolved per call: the task functions get this port before the engine that runs them exists. */
export const localWorkflow = (engine: () => LocalStepFunctions | undefined): Workflow => {
  const running = (): LocalStepFunctions => {
    const machine = engine();
    if (!machine) throw new Error('the local state machine is not running');
    return machine;
  };
  return workflowOver({
    startExecution: async (name, input) => running().startExecution({ name, input }),
    sendTaskSuccess: async (taskToken, output) => running().sendTaskSuccess(taskToken, output),
    sendTaskFailure: async (taskToken, error, cause) => running().sendTaskFailure(taskToken, error, cause),
  });
};
