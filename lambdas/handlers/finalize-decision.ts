/**
 * FinalizeDecision task (state machine): records the outcome `$.result` names once, writes the
 * audit event and emails the requester. Returns `{ status }`.
 */
import { depsFor, type Deps } from '../app/deps';
import { finalizeDecision } from '../app/lifecycle';
import { outcomeOf, parseTaskInput, taskInputs } from '../app/task-input';

export const makeHandler = (deps: Deps) => async (event: unknown) => {
  const { requestId, result } = parseTaskInput(taskInputs.finalize, event);
  return finalizeDecision(deps, requestId, outcomeOf(result));
};

export const handler = makeHandler(depsFor('FinalizeDecision'));
