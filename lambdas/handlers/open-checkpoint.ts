/**
 * OpenCheckpoint task (state machine): starts a checkpoint's clock and returns how long to wait
 * for the first deadline: `{ phase: 'request', seconds }`.
 */
import { openCheckpoint } from '../app/checkpoints';
import { parseTaskInput, taskInputs } from '../app/task-input';

/** The ports this handler uses; composed by lambdas/functions/open-checkpoint.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof openCheckpoint>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  const { requestId, index } = parseTaskInput(taskInputs.checkpoint, event);
  return openCheckpoint(deps, requestId, index);
};
