/**
 * Errors named after facts, each carrying a stable `code`; ./error-codes.ts maps the code to its
 * HTTP status in one place, for JSON (./http.ts) and pages (./error-page.ts) alike, and nothing
 * internal is echoed. Task handlers throw them too; the ASL catches the workflow ones by name
 * (WORKFLOW_ERRORS), which is why RequestCancelledError fixes its name.
 */
import type { FieldError } from '../domain';
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';
import type { ErrorCode } from './error-codes';

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, readonly fields?: FieldError[]) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the input is wrong; `fields` says where and why. */
export class RequestValidationError extends AppError {
  readonly code = 'validation_failed';
  constructor(override readonly fields: FieldError[], message = 'the request is not valid') {
    super(message, fields);
  }
}
export class PayloadTooLargeError extends AppError {
  readonly code = 'payload_too_large';
}
/** A content type we do not read, or a charset other than UTF-8. */
export class UnsupportedMediaTypeError extends AppError {
  readonly code = 'unsupported_media_type';
}
export class RequestNotFoundError extends AppError {
  readonly code = 'not_found';
}
export class IdempotencyKeyReusedError extends AppError {
  readonly code = 'idempotency_key_reused';
  constructor(message: string) {
    super(message, [{ field: 'Idempotency-Key', message }]);
  }
}
export class RequestNotCancellableError extends AppError {
  readonly code = 'conflict';
  constructor(readonly status: string) {
    super(`the request is ${status} and can no longer be cancelled`);
  }
}
/** The workflow was asked to run for a request that does not exist (a bug, not a user error). */
export class WorkflowStateError extends AppError {
  readonly code = 'internal_error';
}

/** Thrown by task handlers when the request was cancelled; the ASL catches it by this name. */
export class RequestCancelledError extends AppError {
  readonly code = 'conflict';
  override name = WORKFLOW_ERRORS.requestCancelled;
}
