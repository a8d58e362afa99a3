/**
 * Task payloads come from the state machine, not from users; still, a malformed one is a bug to
 * stop loudly at the boundary rather than a half-done write further in.
 */
import * as z from 'zod';
import { PHASES } from '../domain/vocabulary';
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import { WorkflowStateError } from '../shared/errors';
import type { RequestStatus } from '../store/records';

const requestId = z.string().min(1).max(64);
const index = z.number().int().min(0).max(50);
const phase = z.enum(PHASES);

/** `$.result` of the ASL: the routing result, or the error a Catch recorded. */
const result = z.union([
  z.object({ status: z.enum(['PENDING_APPROVAL', 'RETURNED', 'CANCELLED']) }),
  z.object({ Error: z.string(), Cause: z.string().optional() }),
]);

export const taskInputs = {
  route: z.object({ requestId }),
  /** Without an index: the first wait of the next checkpoint, which the task opens. */
  approval: z.object({ requestId, index: index.optional(), phase, taskToken: z.string().min(1).max(4096) }),
  /** `after`: the wait that timed out (`$.wait`); its phase is absent after the first wait of a checkpoint. */
  deadline: z.object({ requestId, after: z.object({ phase: phase.optional() }) }),
  finalize: z.object({ requestId, result }),
};

export type Outcome = Extract<RequestStatus, 'APPROVED' | 'REJECTED' | 'RETURNED' | 'EXPIRED' | 'CANCELLED'>;

const OUTCOME_OF_ERROR: Record<string, Outcome> = {
  [WORKFLOW_ERRORS.approvalRejected]: 'REJECTED',
  [WORKFLOW_ERRORS.requestCancelled]: 'CANCELLED',
  [WORKFLOW_ERRORS.checkpointExpired]: 'EXPIRED',
};

/**
 * The outcome `$.result` names. The loop reaches FinalizeDecision with the routing result still
 * PENDING_APPROVAL only after the last checkpoint was approved.
 */
export const outcomeOf = (value: z.infer<typeof result>): Outcome => {
  if ('Error' in value) {
    const outcome = OUTCOME_OF_ERROR[value.Error];
    if (!outcome) throw new WorkflowStateError(`no outcome for error ${value.Error}`);
    return outcome;
  }
  return value.status === 'PENDING_APPROVAL' ? 'APPROVED' : value.status;
};

export const parseTaskInput = <T>(schema: z.ZodType<T>, event: unknown): T => {
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new WorkflowStateError(`malformed task input: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
};
