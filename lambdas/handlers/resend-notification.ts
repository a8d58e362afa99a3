/**
 * POST /requests/{id}/resend-notification (API Gateway proxy): after a `notification-failed`
 * (the mail transport was down through every retry), sends the current approver's email again
 * with the same link. 200 when delivered; 409 when there is nothing to resend (delivered already,
 * or no approver is being asked); 503 when mail is still down (recorded as another
 * `notification-failed`). Never returns the link itself: it only goes to the approver's inbox.
 * Purchasing's to do; others who may read the request get 403, the rest 404.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { resendNotification } from '../app/checkpoints';
import type { IdentityDeps } from '../app/identity';
import { isWellFormedRequestId } from '../app/tokens';
import { requestLinks } from '../app/views';
import { RequestNotFoundError } from '../shared/errors';
import { authenticatedApi, ownershipOf, requirePermission } from '../shared/authenticated';
import { basePath, errorJson, json } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/resend-notification.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof resendNotification>[0] & IdentityDeps;

export const makeHandler = (deps: HandlerDeps) => authenticatedApi(deps, async (event: APIGatewayProxyEvent, principal) => {
  const id = event.pathParameters?.id ?? '';
  if (!isWellFormedRequestId(id)) throw new RequestNotFoundError('no such request');
  const record = await deps.requests.get(id);
  if (!record) throw new RequestNotFoundError('no such request');
  requirePermission(principal, 'resend-notification', ownershipOf(record));
  const result = await resendNotification(deps, id);
  switch (result.kind) {
    case 'sent':
      return json(200, { id, notification: { status: 'sent', index: result.index, role: result.role, phase: result.phase }, links: requestLinks(id, basePath(event)) });
    case 'failed':
      return errorJson('mail_unavailable', 'the email could not be delivered; the failure is recorded in the audit trail, try again later');
    default:
      return errorJson('conflict', `nothing to resend: ${result.reason}`);
  }
});
