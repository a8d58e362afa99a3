/**
 * Errors as HTML pages (the approval link's routes), with the same code-to-status mapping as the
 * JSON answers (./error-codes.ts, through `describeError`). Kept apart from ./http.ts so the JSON
 * handlers do not bundle the page renderers.
 */
import { renderFormErrorPage, type RenderedPage } from '../presentation';
import { HTTP_STATUS, type ErrorCode } from './error-codes';
import { describeError } from './http';

/** What a person reading a page is told for each kind of refused form (the JSON message is for programs). */
const PAGE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'The form could not be read. Open the link from your email again.',
  unsupported_media_type: 'The form could not be read. Open the link from your email again.',
  payload_too_large: 'The form is too large.',
};

/** An error as an HTML page, with the same status the JSON answer would have. */
export const errorPage = (error: unknown, internalMessage: string): RenderedPage => {
  const { code, fields } = describeError(error);
  return renderFormErrorPage({ statusCode: HTTP_STATUS[code], message: PAGE_MESSAGES[code] ?? internalMessage, fields });
};
