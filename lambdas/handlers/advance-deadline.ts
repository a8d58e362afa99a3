/**
 * AdvanceDeadline task (state machine, after a wait timed out): the deadline phase reached and the
 * wait until the next deadline, `{ index, phase, seconds }`; throws CheckpointExpiredError when the
 * last deadline passed (the checkpoint is expired, never approved by silence).
 */
import { advanceDeadline } from '../app/checkpoints';
import { parseTaskInput, taskInputs } from '../app/task-input';

/** The ports this handler uses; composed by lambdas/functions/advance-deadline.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof advanceDeadline>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  const { requestId, after } = parseTaskInput(taskInputs.deadline, event);
  return advanceDeadline(deps, requestId, after.phase ?? 'request');
};
