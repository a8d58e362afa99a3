/**
 * AdvanceDeadline task (state machine, after a wait timed out): moves the checkpoint to its next
 * deadline phase (reminder, escalation) or expires it: `{ phase, seconds }`.
 */
import { advanceDeadline } from '../app/checkpoints';
import { depsFor, type Deps } from '../app/deps';
import { parseTaskInput, taskInputs } from '../app/task-input';

export const makeHandler = (deps: Deps) => async (event: unknown) => {
  const { requestId, index, phase } = parseTaskInput(taskInputs.deadline, event);
  return advanceDeadline(deps, requestId, index, phase);
};

export const handler = makeHandler(depsFor('AdvanceDeadline'));
