/**
 * POST /documents (API Gateway proxy): the signed-in person declares a file (name, media type,
 * exact size, purpose) and gets a presigned PUT for it, good for minutes. The file goes straight
 * to the private bucket; a request references it by `documentId` when it is submitted.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { startUpload, type DocumentsDeps } from '../app/documents';
import type { IdentityDeps } from '../app/identity';
import { authenticatedApi, requirePermission } from '../shared/authenticated';
import { json, jsonBody } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/upload-document.ts on AWS and by the local stack. */
export type HandlerDeps = DocumentsDeps & IdentityDeps;

export const makeHandler = (deps: HandlerDeps) => authenticatedApi(deps, async (event: APIGatewayProxyEvent, principal) => {
  // Uploading is part of submitting: whoever may submit a request may attach its documents.
  requirePermission(principal, 'submit');
  const grant = await startUpload(deps, jsonBody(event), principal);
  return json(201, grant);
});
