/**
 * GET /openapi.json and GET /docs (API Gateway proxy, public): the API description generated from
 * the schemas and the catalog (lambdas/app/openapi.ts), as JSON and as a page. Reads no table and
 * needs no dependencies; the document is built on first use and kept for the warm instance.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { buildOpenApiDocument, type OpenApiDocument } from '../app/openapi';
import { renderApiDocsPage } from '../presentation/api-docs';
import { apiHandler, basePath, errorJson, json } from '../shared/http';

let cached: { serverUrl: string; document: OpenApiDocument } | undefined;

/** The document with `servers` naming this API's base path (`/prod` behind the default URL). */
const documentFor = (event: APIGatewayProxyEvent): OpenApiDocument => {
  const serverUrl = basePath(event) || '/';
  if (cached?.serverUrl !== serverUrl) cached = { serverUrl, document: buildOpenApiDocument({ serverUrl }) };
  return cached.document;
};

/** Needs no port: the document is built from the schemas and the catalog. */
export type HandlerDeps = Record<string, never>;

export const makeHandler = (_deps?: HandlerDeps) => apiHandler(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /openapi.json':
      return json(200, documentFor(event), { 'Cache-Control': 'public, max-age=300' });
    case 'GET /docs':
      return renderApiDocsPage(documentFor(event));
    default:
      return errorJson('not_found', 'no such route');
  }
});
