/**
 * The list pages (API Gateway proxy, HTML): GET / (my requests), GET /waiting (what waits for my
 * decision), GET /waiting/{requestId}/{index} (opens that approval), GET /purchasing (every open
 * request; CSV with ?format=csv). Reads only: the requests table through its list indexes, and the
 * approvals table for one thing, the approval link of a checkpoint the signed-in person may decide.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  approvalLinkFor, homeQuery, loadMyRequests, loadOverview, loadWaiting, overviewCsv, overviewCsvFilename, overviewFilters, type ListDeps,
} from '../app/lists';
import { AccessDeniedError } from '../app/identity';
import { isWellFormedRequestId } from '../app/tokens';
import {
  renderApprovalNotReadyPage, renderHomePage, renderListBadRequestPage, renderListForbiddenPage, renderOverviewPage, renderWaitingPage,
} from '../presentation/lists';
import { authenticatedPage, type Viewer, type PageDeps } from '../shared/authenticated-page';
import { RequestNotFoundError, RequestValidationError } from '../shared/errors';
import { basePath, csvDownload } from '../shared/http';
import { InvalidCursorError } from '../store/request-buckets';

/** The ports this handler uses; composed by lambdas/functions/list-pages.ts on AWS and by the local stack. */
export type HandlerDeps = ListDeps & PageDeps;

const query = (event: APIGatewayProxyEvent): Record<string, string | undefined> => ({ ...(event.queryStringParameters ?? {}) });

/** `/waiting/{requestId}/{index}`: a well-formed request id and a checkpoint position, or "not found". */
const checkpointPosition = (event: APIGatewayProxyEvent): { requestId: string; index: number } => {
  const requestId = event.pathParameters?.requestId ?? '';
  const index = event.pathParameters?.index ?? '';
  if (!isWellFormedRequestId(requestId) || !/^\d{1,2}$/.test(index)) throw new RequestNotFoundError('no such approval');
  return { requestId, index: Number(index) };
};

const redirect = (location: string): APIGatewayProxyResult => ({
  statusCode: 303,
  // The approval link is the approver's credential: never cached, never sent on as a Referer.
  headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
  body: '',
});

const route = async (deps: HandlerDeps, event: APIGatewayProxyEvent, viewer: Viewer): Promise<APIGatewayProxyResult> => {
  const frame = { viewer, base: basePath(event) };
  switch (event.resource) {
    case '/':
      return renderHomePage(await loadMyRequests(deps, viewer, homeQuery(query(event))), frame);
    case '/waiting':
      if (Object.keys(query(event)).length) throw new RequestValidationError(Object.keys(query(event)).map((field) => ({ field, message: 'this page takes no query parameters' })));
      return renderWaitingPage(await loadWaiting(deps, viewer), frame);
    case '/waiting/{requestId}/{index}': {
      const { requestId, index } = checkpointPosition(event);
      const target = await approvalLinkFor(deps, viewer, requestId, index);
      if (target.kind === 'link') return redirect(`${frame.base}/approvals/${encodeURIComponent(target.approvalId)}`);
      if (target.kind === 'closed') return redirect(`${frame.base}/requests/${target.requestId}`);
      return renderApprovalNotReadyPage(frame);
    }
    case '/purchasing': {
      const filters = overviewFilters(query(event));
      const view = await loadOverview(deps, viewer, filters);
      if (filters.format === 'csv') {
        return csvDownload(overviewCsvFilename(deps.clock()), overviewCsv(view));
      }
      return renderOverviewPage(view, frame);
    }
    default:
      throw new RequestNotFoundError('no such page');
  }
};

export const makeHandler = (deps: HandlerDeps) => authenticatedPage(deps, async (event, viewer) => {
  const frame = { viewer, base: basePath(event) };
  try {
    return await route(deps, event, viewer);
  } catch (error) {
    // The person's own mistakes, answered inside the product's frame; anything else goes to the
    // page edge (a 404 or 500 page, nothing leaked).
    if (error instanceof RequestValidationError || error instanceof InvalidCursorError) {
      const back = event.resource === '/purchasing' ? '/purchasing' : event.resource === '/waiting' ? '/waiting' : '/';
      return renderListBadRequestPage(error.fields ?? [], back, frame);
    }
    if (error instanceof AccessDeniedError) return renderListForbiddenPage(error.message, frame);
    throw error;
  }
});
