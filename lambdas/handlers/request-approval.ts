/**
 * RequestApproval callback task (lambda:invoke.waitForTaskToken): opens the next checkpoint when
 * asked without an index, stores the task token server side and emails the approver (or reminder,
 * or escalation contact) a link to the approval page. Returns nothing; the execution waits for
 * SendTaskSuccess/SendTaskFailure from the decision.
 */
import { requestApproval } from '../app/checkpoints';
import { parseTaskInput, taskInputs } from '../app/task-input';

/** The ports this handler uses; composed by lambdas/functions/request-approval.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof requestApproval>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  await requestApproval(deps, parseTaskInput(taskInputs.approval, event));
  return {};
};
