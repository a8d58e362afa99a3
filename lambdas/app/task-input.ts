/**
 * Task payloads come from the state machine, not from users; still, a malformed one is a bug to
 * stop loudly at the boundary rather than a half-done write further in.
 */
import * as z from 'zod';
import { OUTCOMES, PHASES } from '../domain/vocabulary';
import { WorkflowStateError } from '../shared/errors';

const requestId = z.string().min(1).max(64);
const index = z.number().int().min(0).max(50);
const phase = z.enum(PHASES);

export const taskInputs = {
  route: z.object({ requestId }),
  checkpoint: z.object({ requestId, index }),
  approval: z.object({ requestId, index, phase, taskToken: z.string().min(1).max(4096) }),
  deadline: z.object({ requestId, index, phase }),
  finalize: z.object({ requestId, outcome: z.enum(OUTCOMES) }),
};

export const parseTaskInput = <T>(schema: z.ZodType<T>, event: unknown): T => {
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new WorkflowStateError(`malformed task input: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
};
