/**
 * Errors named after facts. Task handlers throw them and the ASL catches them by name; API
 * handlers map them to status codes (lambdas/shared/http.ts) and never echo internals.
 */
import type { FieldError } from '../domain';
import { WORKFLOW_ERRORS } from '../../statemachines/placeholders';

abstract class NamedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class RequestValidationError extends NamedError {
  constructor(readonly fields: FieldError[], message = 'the request is not valid') {
    super(message);
  }
}
export class PayloadTooLargeError extends NamedError {}
export class UnsupportedMediaTypeError extends NamedError {}
export class RequestNotFoundError extends NamedError {}
export class ApprovalNotFoundError extends NamedError {}
export class IdempotencyKeyReusedError extends NamedError {}
export class RequestNotCancellableError extends NamedError {
  constructor(readonly status: string) {
    super(`the request is ${status} and can no longer be cancelled`);
  }
}
export class ApprovalAlreadyDecidedError extends NamedError {}
export class ApprovalExpiredError extends NamedError {}
export class AntiForgeryCheckFailedError extends NamedError {}
export class SelfApprovalForbiddenError extends NamedError {}
/** The workflow was asked to run for a request that does not exist (a bug, not a user error). */
export class WorkflowStateError extends NamedError {}

/** Thrown by task handlers when the request was cancelled; the ASL catches it by this name. */
export class RequestCancelledError extends Error {
  override name = WORKFLOW_ERRORS.requestCancelled;
}
