/**
 * WatchContracts (scheduled: EventBridge Scheduler on AWS, a timer in the local stack): expiry and
 * ceiling alerts to purchasing. Returns `{ checked, sent, failed }`.
 */
import { watchContracts, type WatchDeps } from '../app/contracts-watch';

/** The ports this handler uses; composed by lambdas/functions/watch-contracts.ts on AWS and by the local stack. */
export type HandlerDeps = WatchDeps;

export const makeHandler = (deps: HandlerDeps) => async () => watchContracts(deps);
