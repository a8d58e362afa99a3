/**
 * POST /approvals/{approvalId} (API Gateway proxy): the approver's decision from the page's form
 * (or JSON with `Accept: application/json`). The first decision wins; repeats get 409 naming who
 * decided and when.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { decideApproval, type DecisionResult } from '../app/decide';
import { closedPage } from '../app/decision-pages';
import { NotAuthenticatedError, optionalCaller, type IdentityDeps, type SessionDeps } from '../app/identity';
import { renderDecisionRecordedPage, renderFormErrorPage, type RenderedPage } from '../presentation';
import { HTTP_STATUS } from '../shared/error-codes';
import { errorPage } from '../shared/error-page';
import { basePath, errorJson, errorResponse, formBody, json, wantsJson } from '../shared/http';

const asJson = (result: DecisionResult): APIGatewayProxyResult => {
  switch (result.kind) {
    case 'recorded': return json(200, { decision: result.decision, decidedAt: result.decidedAt, by: result.by, requestId: result.request.id, nextStep: result.nextStep });
    case 'invalid': return errorJson('validation_failed', 'the decision is not complete', result.fields);
    case 'bad-form': return errorJson('forbidden', result.message, [{ field: 'antiForgery', message: result.message }]);
    case 'not-found': return errorJson('not_found', 'no such approval');
    case 'decided': return errorJson('already_decided', `already ${result.decision}${result.by ? ` by ${result.by}` : ''}${result.at ? ` at ${result.at}` : ''}`);
    case 'expired': return errorJson('expired', `this approval expired at ${result.expiredAt}`);
    case 'forbidden': return errorJson('forbidden', result.message);
    case 'sign-in-required': return errorJson('forbidden', `requests above ${result.threshold} are decided signed in: sign in as ${result.approver}`);
  }
};

const asPage = (result: DecisionResult, form: Record<string, string>): RenderedPage => {
  switch (result.kind) {
    case 'recorded': return renderDecisionRecordedPage(result);
    case 'invalid': return renderFormErrorPage({ statusCode: HTTP_STATUS.validation_failed, message: 'Please complete the decision.', fields: result.fields, view: result.view, values: form });
    case 'bad-form': return renderFormErrorPage({ statusCode: HTTP_STATUS.forbidden, message: result.message, view: result.view, values: form });
    default: return closedPage(result);
  }
};

/** The ports this handler uses; composed by lambdas/functions/decide-approval.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof decideApproval>[0] & IdentityDeps & SessionDeps;

export const makeHandler = (deps: HandlerDeps) => async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const jsonWanted = wantsJson(event);
  try {
    // The link alone is the credential; a sign-in it carries must be its recipient's.
    const signedIn = await optionalCaller(deps, event);
    const form = formBody(event);
    const result = await decideApproval(deps, event.pathParameters?.approvalId ?? '', form, basePath(event), signedIn);
    return jsonWanted ? asJson(result) : asPage(result, form);
  } catch (error) {
    if (error instanceof NotAuthenticatedError) {
      const message = `Your sign-in could not be verified (${error.message}). Sign out, then open the link from your email again.`;
      return jsonWanted ? errorJson('forbidden', message) : renderFormErrorPage({ statusCode: 403, message });
    }
    return jsonWanted
      ? errorResponse(error)
      : errorPage(error, 'Something went wrong on our side. Your decision may not be recorded; open the link again to check.');
  }
};
