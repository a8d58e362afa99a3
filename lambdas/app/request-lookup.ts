/**
 * A request as a person or a program names it: the ULID (the API's key) or the human number
 * (`PR-2026-000123`, resolved through its lookup item). Anything else cannot exist: "not found"
 * without a lookup.
 */
import { isRequestNumber } from '../domain/request-number';
import { RequestNotFoundError } from '../shared/errors';
import type { RequestsTable } from '../store/requests-table';
import { isWellFormedRequestId } from './tokens';

export const resolveRequestId = async (requests: Pick<RequestsTable, 'idForNumber'>, given: string): Promise<string> => {
  if (isWellFormedRequestId(given)) return given;
  if (isRequestNumber(given)) {
    const id = await requests.idForNumber(given);
    if (id) return id;
  }
  throw new RequestNotFoundError('no such request');
};

/**
 * The stored record answers to the name it was asked by: a number wasted by a crash or a lost race
 * may still point at a request that was stored under another number, and must not resolve.
 */
export const answersTo = (record: { id: string; number?: string }, given: string): boolean =>
  given === record.id || (record.number !== undefined && given === record.number);
