/**
 * RouteRequest task (state machine): classifies the stored request (tier, method checklist,
 * approval chain, split check), records the decision and returns `{ status, checkpointCount }`.
 * Throws RequestCancelledError when the requester withdrew first.
 */
import { depsFor, type Deps } from '../app/deps';
import { routeSubmittedRequest } from '../app/routing';
import { parseTaskInput, taskInputs } from '../app/task-input';

export const makeHandler = (deps: Deps) => async (event: unknown) => {
  const { requestId } = parseTaskInput(taskInputs.route, event);
  return routeSubmittedRequest(deps, requestId);
};

export const handler = makeHandler(depsFor('RouteRequest'));
