/**
 * FinalizeDecision task (state machine): records the outcome once, writes the audit event and
 * emails the requester. Returns `{ status }`.
 */
import { depsFor, type Deps } from '../app/deps';
import { finalizeDecision } from '../app/lifecycle';
import { parseTaskInput, taskInputs } from '../app/task-input';

export const makeHandler = (deps: Deps) => async (event: unknown) => {
  const { requestId, outcome } = parseTaskInput(taskInputs.finalize, event);
  return finalizeDecision(deps, requestId, outcome);
};

export const handler = makeHandler(depsFor('FinalizeDecision'));
