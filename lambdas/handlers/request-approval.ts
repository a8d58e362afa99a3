/**
 * RequestApproval callback task (lambda:invoke.waitForTaskToken): opens the next checkpoint when
 * asked without an index, stores the task token server side and emails the approver (or reminder,
 * or escalation contact) a link to the approval page. Returns nothing; the execution waits for
 * SendTaskSuccess/SendTaskFailure from the decision.
 */
import { requestApproval } from '../app/checkpoints';
import { depsFor, type Deps } from '../app/deps';
import { parseTaskInput, taskInputs } from '../app/task-input';

export const makeHandler = (deps: Deps) => async (event: unknown) => {
  await requestApproval(deps, parseTaskInput(taskInputs.approval, event));
  return {};
};

export const handler = makeHandler(depsFor('RequestApproval'));
