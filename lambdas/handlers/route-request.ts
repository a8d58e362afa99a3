/**
 * RouteRequest task (state machine): classifies the stored request (tier, method checklist,
 * approval chain, split check), records the decision and returns `{ status, checkpointCount }`.
 * Throws RequestCancelledError when the requester withdrew first.
 */
import { routeSubmittedRequest } from '../app/routing';
import { parseTaskInput, taskInputs } from '../app/task-input';

/** The ports this handler uses; composed by lambdas/functions/route-request.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof routeSubmittedRequest>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: unknown) => {
  const { requestId } = parseTaskInput(taskInputs.route, event);
  return routeSubmittedRequest(deps, requestId);
};
