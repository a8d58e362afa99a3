/**
 * AdvanceDeadline task (state machine, after a wait timed out): the deadline phase reached and the
 * wait until the next deadline, `{ index, phase, seconds }`; throws CheckpointExpiredError when the
 * last deadline passed (the checkpoint is expired, never approved by silence).
 */
import { advanceDeadline } from '../app/checkpoints';
import { depsFor, type Deps } from '../app/deps';
import { parseTaskInput, taskInputs } from '../app/task-input';

export const makeHandler = (deps: Deps) => async (event: unknown) => {
  const { requestId, after } = parseTaskInput(taskInputs.deadline, event);
  return advanceDeadline(deps, requestId, after.phase ?? 'request');
};

export const handler = makeHandler(depsFor('AdvanceDeadline'));
