/**
 * AdvanceDeadline task (state machine, after a wait timed out): moves the checkpoint to its next
 * deadline phase (reminder, escalation) or expires it: `{ phase, seconds }`.
 */
import { advanceDeadline } from '../app/checkpoints';
import { parseTaskInput, taskInputs } from '../app/task-input';

/** The ports this handler uses; composed by lambdas/functions/advance-deadline.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof advanceDeadline>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  const { requestId, index, phase } = parseTaskInput(taskInputs.deadline, event);
  return advanceDeadline(deps, requestId, index, phase);
};
