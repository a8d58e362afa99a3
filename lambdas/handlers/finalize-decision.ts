/**
 * FinalizeDecision task (state machine): records the outcome once, writes the audit event and
 * emails the requester. Returns `{ status }`.
 */
import { finalizeDecision } from '../app/lifecycle';
import { parseTaskInput, taskInputs } from '../app/task-input';

/** The ports this handler uses; composed by lambdas/functions/finalize-decision.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof finalizeDecision>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  const { requestId, outcome } = parseTaskInput(taskInputs.finalize, event);
  return finalizeDecision(deps, requestId, outcome);
};
