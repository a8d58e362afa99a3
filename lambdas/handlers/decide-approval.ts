/**
 * POST /approvals/{approvalId} (API Gateway proxy): the approver's decision from the page's form
 * (or JSON with `Accept: application/json`). The first decision wins; repeats get 409 naming who
 * decided and when.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { decideApproval, type DecisionResult } from '../app/decide';
import { closedPage } from '../app/decision-pages';
import { depsFor, type Deps } from '../app/deps';
import { NotAuthenticatedError, optionalCaller, type IdentityDeps } from '../app/identity';
import { renderDecisionRecordedPage, renderFormErrorPage, type RenderedPage } from '../presentation';
import { PayloadTooLargeError, RequestValidationError, UnsupportedMediaTypeError } from '../shared/errors';
import { basePath, errorJson, formBody, json, wantsJson } from '../shared/http';
import { logger } from '../shared/logger';

const STATUS: Record<DecisionResult['kind'], number> = { recorded: 200, invalid: 400, 'bad-form': 403, 'not-found': 404, decided: 409, expired: 410, forbidden: 403 };

const asJson = (result: DecisionResult): APIGatewayProxyResult => {
  const status = STATUS[result.kind];
  switch (result.kind) {
    case 'recorded': return json(200, { decision: result.decision, decidedAt: result.decidedAt, by: result.by, requestId: result.request.id, nextStep: result.nextStep });
    case 'invalid': return errorJson(status, 'validation_failed', 'the decision is not complete', result.fields);
    case 'bad-form': return errorJson(status, 'forbidden', result.message, [{ field: 'antiForgery', message: result.message }]);
    case 'not-found': return errorJson(status, 'not_found', 'no such approval');
    case 'decided': return errorJson(status, 'already_decided', `already ${result.decision}${result.by ? ` by ${result.by}` : ''}${result.at ? ` at ${result.at}` : ''}`);
    case 'expired': return errorJson(status, 'expired', `this approval expired at ${result.expiredAt}`);
    case 'forbidden': return errorJson(status, 'forbidden', result.message);
  }
};

const asPage = (result: DecisionResult, form: Record<string, string>): RenderedPage => {
  switch (result.kind) {
    case 'recorded': return renderDecisionRecordedPage(result);
    case 'invalid': return renderFormErrorPage({ statusCode: 400, message: 'Please complete the decision.', fields: result.fields, view: result.view, values: form });
    case 'bad-form': return renderFormErrorPage({ statusCode: 403, message: result.message });
    default: return closedPage(result);
  }
};

export const makeHandler = (deps: Deps & IdentityDeps) => async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
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
      return jsonWanted ? errorJson(403, 'forbidden', message) : renderFormErrorPage({ statusCode: 403, message });
    }
    const [status, message] = error instanceof PayloadTooLargeError ? [413, 'The form is too large.']
      : error instanceof UnsupportedMediaTypeError || error instanceof RequestValidationError ? [400, 'The form could not be read. Open the link from your email again.']
        : [500, 'Something went wrong on our side. Your decision may not be recorded; open the link again to check.'];
    if (status === 500) logger.error('decision failed', { error: (error as Error).name, message: (error as Error).message });
    const fields = error instanceof RequestValidationError ? error.fields : undefined;
    return jsonWanted
      ? errorJson(status, status === 500 ? 'internal_error' : 'bad_request', message, fields)
      : renderFormErrorPage({ statusCode: status as 400 | 413 | 500, message, fields });
  }
};

export const handler = makeHandler(depsFor('DecideApproval'));
