/**
 * OpenCheckpoint task (state machine): starts a checkpoint's clock and returns how long to wait
 * for the first deadline: `{ phase: 'request', seconds }`.
 */
import { openCheckpoint } from '../app/checkpoints';
import { depsFor, type Deps } from '../app/deps';
import { parseTaskInput, taskInputs } from '../app/task-input';

export const makeHandler = (deps: Deps) => async (event: unknown) => {
  const { requestId, index } = parseTaskInput(taskInputs.checkpoint, event);
  return openCheckpoint(deps, requestId, index);
};

export const handler = makeHandler(depsFor('OpenCheckpoint'));
