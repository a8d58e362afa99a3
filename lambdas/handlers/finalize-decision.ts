/**
 * FinalizeDecision task (state machine): records the outcome `$.result` names once, writes the
 * audit event and emails the requester. Returns `{ status }`.
 */
import { finalizeDecision } from '../app/lifecycle';
import { outcomeOf, parseTaskInput, taskInputs } from '../app/task-input';

/** The ports this handler uses; composed by lambdas/functions/finalize-decision.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof finalizeDecision>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  const { requestId, result } = parseTaskInput(taskInputs.finalize, event);
  return finalizeDecision(deps, requestId, outcomeOf(result));
};
