/**
 * GET (and HEAD) /approvals/{approvalId} (API Gateway proxy): the page an approver opens from the
 * email. Renders the request, its checklist and history, and the decision form. Changes nothing:
 * mail scanners fetch every link, some of them many times.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { openApprovalPage } from '../app/decide';
import { NotAuthenticatedError, optionalCaller, type IdentityDeps, type SessionDeps } from '../app/identity';
import { closedPage } from '../app/decision-pages';
import { renderApprovalPage, renderFormErrorPage } from '../presentation';
import { errorPage } from '../shared/error-page';
import { basePath } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/approval-page.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof openApprovalPage>[0] & IdentityDeps & SessionDeps;

export const makeHandler = (deps: HandlerDeps) => async (event: APIGatewayProxyEvent) => {
  try {
    // The link alone is the credential; a sign-in it carries must be its recipient's.
    const signedIn = await optionalCaller(deps, event);
    const result = await openApprovalPage(deps, event.pathParameters?.approvalId ?? '', basePath(event), signedIn);
    return result.kind === 'open' ? renderApprovalPage(result.view) : closedPage(result);
  } catch (error) {
    if (error instanceof NotAuthenticatedError) return renderFormErrorPage({ statusCode: 403, message: `Your sign-in could not be verified (${error.message}). Sign out, then open the link from your email again.` });
    return errorPage(error, 'Something went wrong on our side. Please try the link again in a minute.');
  }
};
