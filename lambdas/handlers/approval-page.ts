/**
 * GET (and HEAD) /approvals/{approvalId} (API Gateway proxy): the page an approver opens from the
 * email. Renders the request, its checklist and history, and the decision form. Changes nothing:
 * mail scanners fetch every link, some of them many times.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { openApprovalPage } from '../app/decide';
import { closedPage } from '../app/decision-pages';
import { renderApprovalPage } from '../presentation';
import { errorPage } from '../shared/error-page';
import { basePath } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/approval-page.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof openApprovalPage>[0];

export const makeHandler = (deps: HandlerDeps) => async (event: APIGatewayProxyEvent) => {
  try {
    const result = await openApprovalPage(deps, event.pathParameters?.approvalId ?? '', basePath(event));
    return result.kind === 'open' ? renderApprovalPage(result.view) : closedPage(result);
  } catch (error) {
    return errorPage(error, 'Something went wrong on our side. Please try the link again in a minute.');
  }
};
