/**
 * One error model: every error a user can cause carries a stable code, one table maps codes to
 * HTTP status, and the JSON answer and the HTML page of the same error have the same status.
 * Anything without a known code is a bug: 500, with nothing of it echoed.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { UnknownPolicyError } from '../../../lambdas/domain';
import { HTTP_STATUS } from '../../../lambdas/shared/error-codes';
import { errorPage } from '../../../lambdas/shared/error-page';
import {
  IdempotencyKeyReusedError, PayloadTooLargeError, RequestCancelledError, RequestNotCancellableError, RequestNotFoundError,
  RequestValidationError, UnsupportedMediaTypeError, WorkflowStateError,
} from '../../../lambdas/shared/errors';
import { declaredCharset, describeError, errorResponse, formBody, jsonBody } from '../../../lambdas/shared/http';
import { InvalidCursorError } from '../../../lambdas/store/requests-table';
import { WORKFLOW_ERRORS } from '../../../statemachines/placeholders';

const bodyOf = (r: { body: string }) => JSON.parse(r.body);

describe('codes and statuses', () => {
  it.each([
    [new RequestValidationError([{ field: 'title', message: 'is required' }]), 400, 'validation_failed', [{ field: 'title', message: 'is required' }]],
    [new UnknownPolicyError('nope', ['sample-city']), 400, 'validation_failed', [{ field: 'policy', message: 'unknown policy "nope"; known: sample-city' }]],
    [new InvalidCursorError('the cursor is not one this service issued'), 400, 'validation_failed', [{ field: 'cursor', message: 'the cursor is not one this service issued' }]],
    [new RequestNotFoundError('no such request'), 404, 'not_found', undefined],
    [new RequestNotCancellableError('APPROVED'), 409, 'conflict', undefined],
    [new PayloadTooLargeError('too big'), 413, 'payload_too_large', undefined],
    [new UnsupportedMediaTypeError('send JSON'), 415, 'unsupported_media_type', undefined],
    [new IdempotencyKeyReusedError('reused'), 422, 'idempotency_key_reused', [{ field: 'Idempotency-Key', message: 'reused' }]],
  ])('%s answers %i %s', (error, status, code, fields) => {
    const response = errorResponse(error);
    expect(response.statusCode).toBe(status);
    expect(bodyOf(response)).toEqual({ error: { code, message: error.message, ...(fields ? { fields } : {}) } });
    expect(HTTP_STATUS[code as keyof typeof HTTP_STATUS]).toBe(status);
  });

  it.each([
    ['a plain Error', new Error('secret table name arn:aws:dynamodb:…')],
    ['a WorkflowStateError (a bug, not a user error)', new WorkflowStateError('request 01J… does not exist')],
    ['an error claiming a code we do not have', Object.assign(new Error('x'), { code: 'teapot' })],
    ['an SDK error with its own code', Object.assign(new Error('boom'), { code: 'ECONNRESET' })],
    ['a thrown string', 'oops'],
  ])('%s is a 500 that echoes nothing', (_name, error) => {
    const response = errorResponse(error);
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: { code: 'internal_error', message: 'something went wrong on our side; please try again' } });
  });

  it('the code survives minification: it is a field, not the class name', () => {
    const error = new RequestNotFoundError('gone');
    Object.defineProperty(error, 'name', { value: 'cs' });
    expect(describeError(error)).toEqual({ code: 'not_found', message: 'gone' });
  });

  it('the workflow error keeps the name the ASL catches', () => {
    expect(new RequestCancelledError('cancelled').name).toBe(WORKFLOW_ERRORS.requestCancelled);
  });

  it.each([
    [new PayloadTooLargeError('too big'), 413, 'The form is too large.'],
    [new UnsupportedMediaTypeError('send a form'), 415, 'The form could not be read.'],
    [new RequestValidationError([{ field: 'body', message: 'send a JSON object' }]), 400, 'The form could not be read.'],
    [new Error('internal detail'), 500, 'Something broke.'],
  ])('as a page, %s has the JSON status (%i) and a sentence for a person', (error, status, sentence) => {
    const page = errorPage(error, 'Something broke.');
    expect(page.statusCode).toBe(status);
    expect(page.statusCode).toBe(errorResponse(error).statusCode);
    expect(page.headers['Content-Type']).toMatch(/^text\/html/);
    expect(page.body).toContain(sentence);
    expect(page.body).not.toContain('internal detail');
  });
});

describe('a declared charset other than UTF-8 is 415', () => {
  const event = (contentType: string, body = '{}') => ({ headers: { 'Content-Type': contentType }, body, isBase64Encoded: false }) as unknown as APIGatewayProxyEvent;

  it.each([
    ['application/json', undefined], ['application/json; charset=utf-8', 'utf-8'], ['application/json;charset="UTF-8"', 'utf-8'],
    ['application/x-www-form-urlencoded; boundary=x; charset=ISO-8859-1', 'iso-8859-1'],
  ])('reads the charset of %s', (contentType, charset) => {
    expect(declaredCharset(contentType.toLowerCase())).toBe(charset);
  });

  it.each(['application/json; charset=iso-8859-1', 'application/json; charset=utf-16', 'application/json; charset="latin1"', 'application/json; charset='])('jsonBody refuses %s', (contentType) => {
    expect(() => jsonBody(event(contentType))).toThrow(UnsupportedMediaTypeError);
  });

  it('formBody refuses a form declared in ISO-8859-1 and reads one in UTF-8', () => {
    expect(() => formBody(event('application/x-www-form-urlencoded; charset=iso-8859-1', 'a=b'))).toThrow(UnsupportedMediaTypeError);
    expect(formBody(event('application/x-www-form-urlencoded; charset=UTF-8', 'comment=caf%C3%A9'))).toEqual({ comment: 'café' });
    expect(jsonBody(event('application/json; charset=utf8', '{"a":1}'))).toEqual({ a: 1 });
  });
});
