/**
 * RouteRequest task (state machine): classifies the stored request (tier, method checklist,
 * approval chain, split check), records the decision and returns `{ status, lastIndex,
 * firstWaitSeconds }`: the index of the last checkpoint (the loop ends after its approval) and the
 * wait before each checkpoint's first deadline check. Throws RequestCancelledError when the
 * requester withdrew first.
 */
import { firstWaitSeconds } from '../app/checkpoints';
import { routeSubmittedRequest } from '../app/routing';
import { parseTaskInput, taskInputs } from '../app/task-input';
import { WorkflowStateError } from '../shared/errors';

/** The ports this handler uses; composed by lambdas/functions/route-request.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof routeSubmittedRequest>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  const { requestId } = parseTaskInput(taskInputs.route, event);
  const { status, checkpointCount } = await routeSubmittedRequest(deps, requestId);
  const record = await deps.requests.get(requestId);
  if (!record) throw new WorkflowStateError(`request ${requestId} does not exist`);
  return { status, lastIndex: checkpointCount - 1, firstWaitSeconds: firstWaitSeconds(deps.policies.get(record.request.policy)) };
};
