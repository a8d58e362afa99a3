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
import { answersTo, resolveRequestId } from '../app/request-lookup';
import { requestLinks } from '../app/views';
import { renderRequestProblemPage } from '../presentation/request-page';
import { RequestNotFoundError } from '../shared/errors';
import { authenticatedApi, ownershipOf, requirePermission } from '../shared/authenticated';
import { authenticatedPage, requireFormToken, type PageDeps } from '../shared/authenticated-page';
import { apiHandler, basePath, errorJson, formBody, header, json } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/resend-notification.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof resendNotification>[0] & PageDeps;

/**
 * The request page's "Resend notification" button posts here as an HTML form (with the session's
 * `formToken`): the same checks, answered 303 back to the request page, or a page saying why not.
 */
const resendForm = (deps: HandlerDeps) => authenticatedPage(deps, async (event, viewer) => {
  const base = basePath(event);
  const id = event.pathParameters?.id ?? '';
  requireFormToken(viewer, formBody(event));
  const back = { href: `${base}/requests/${encodeURIComponent(id)}`, label: 'Back to the request' };
  let record;
  try {
    record = await deps.requests.get(await resolveRequestId(deps.requests, id));
    if (!record || !answersTo(record, id)) throw new RequestNotFoundError('no such request');
    requirePermission(viewer, 'resend-notification', ownershipOf(record));
  } catch (error) {
    if (!(error instanceof RequestNotFoundError)) throw error;
    return renderRequestProblemPage({ statusCode: 404, viewer, base, heading: 'No such request', message: 'There is no request by that number that you may see.' });
  }
  const result = await resendNotification(deps, record.id);
  if (result.kind === 'sent') return { statusCode: 303, headers: { Location: `${base}/requests/${record.number ?? record.id}?done=resent`, 'Cache-Control': 'no-store' }, body: '' };
  return renderRequestProblemPage({
    statusCode: result.kind === 'failed' ? 503 : 409, viewer, base, heading: 'The email was not sent again', back,
    message: result.kind === 'failed' ? 'The email could not be delivered; the failure is in the audit trail. Try again later.' : `Nothing to resend: ${result.reason}.`,
  });
});

const isForm = (event: APIGatewayProxyEvent) => (header(event, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

export const makeHandler = (deps: HandlerDeps) => {
  const api = resendApi(deps);
  const form = resendForm(deps);
  return apiHandler(async (event) => (isForm(event) ? form(event) : api(event)));
};

const resendApi = (deps: HandlerDeps) => authenticatedApi(deps, async (event: APIGatewayProxyEvent, principal) => {
  const given = event.pathParameters?.id ?? '';
  const id = await resolveRequestId(deps.requests, given);
  const record = await deps.requests.get(id);
  if (!record || !answersTo(record, given)) throw new RequestNotFoundError('no such request');
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
