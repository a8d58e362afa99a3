/**
 * Month buckets for the request list indexes. A GSI keyed by one constant (`REQUEST`) or by one of
 * seven statuses puts every request of every year under a handful of partition keys: the
 * partition only grows, its sort key (submittedAt) only increases, so DynamoDB cannot split it
 * for heat and a statewide deployment ends with one hot partition. Each key therefore carries the
 * month the request was submitted in (`REQUEST#2026-11`, `APPROVED#2026-11`,
 * `Public Works#2026-11`), and a list walks the buckets newest first.
 *
 * The month comes from the request id (a ULID, whose first ten characters are the moment it was
 * minted), not from `submittedAt`: a status change then knows its new bucket from the id alone,
 * without reading the item first. Both are taken in the same instant on submission.
 */
import { decodeTime } from 'ulid';

/** The service took no request before this month; no list walks further back. */
export const FIRST_MONTH = '2026-01';
/** A list page issues at most this many Queries; an emptier stretch of months ends the page early, with a cursor. */
export const MAX_QUERIES_PER_PAGE = 12;
/** How far ahead of this process's clock another writer's clock may run (the newest bucket a list reads). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const REQUEST_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** `2026-11`: the UTC month of an instant. */
export const monthOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 7);

/** The month a request's list keys carry: the month its id was minted in. */
export const monthOfRequest = (requestId: string): string => monthOf(decodeTime(requestId));

export const previousMonth = (month: string): string => {
  const [, year, m] = MONTH.exec(month)!;
  const index = Number(year) * 12 + Number(m) - 2;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
};

/** The newest bucket a list starts from: this month, or next month when the clock is within the skew of it. */
export const newestMonth = (nowMs: number): string => monthOf(nowMs + CLOCK_SKEW_MS);

/** The bucketed partition-key value: `<value>#<month>`. */
export const bucketKey = (value: string, month: string): string => `${value}#${month}`;

/** The list-index key attributes a request item carries (all three sparse GSIs). */
export const LIST_KEY = 'REQUEST';
export const listKeyAttributes = (requestId: string, status: string, department: string) => {
  const month = monthOfRequest(requestId);
  return { listKey: bucketKey(LIST_KEY, month), statusKey: bucketKey(status, month), departmentKey: bucketKey(department, month) };
};
export const statusKeyOf = (requestId: string, status: string): string => bucketKey(status, monthOfRequest(requestId));

/** Where a list continues: a bucket, and the last key read in it (none: from the bucket's newest item). */
export interface ListPosition { month: string; startKey?: Record<string, string> }
/** Which index a list reads and the unbucketed partition value (`REQUEST`, a status or a department). */
export interface ListIndex { indexName: string; keyName: string; value: string }

/** A forged or stale cursor: the caller's mistake, answered 400 naming the field. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  readonly code = 'validation_failed';
  get fields() { return [{ field: 'cursor', message: this.message }]; }
}

export const encodeCursor = (position: ListPosition): string =>
  Buffer.from(JSON.stringify(position.startKey ? { m: position.month, k: position.startKey } : { m: position.month })).toString('base64url');

const refuse = (): never => { throw new InvalidCursorError('the cursor is not one this service issued'); };
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The position a cursor names, checked against the list it is used with: a month within the
 * service's life, and a start key with exactly the attributes of that index, in that bucket.
 * Anything else (a forged, edited or other list's cursor) is refused, never handed to DynamoDB.
 */
export const decodeCursor = (cursor: string, index: ListIndex, nowMs: number): ListPosition => {
  if (cursor.length === 0 || cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) refuse();
  let parsed: unknown;
  try { parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')); } catch { refuse(); }
  if (!isPlainObject(parsed) || Object.keys(parsed).some((name) => name !== 'm' && name !== 'k')) refuse();
  const { m: month, k: startKey } = parsed as { m?: unknown; k?: unknown };
  if (typeof month !== 'string' || !MONTH.test(month) || month < FIRST_MONTH || month > newestMonth(nowMs)) refuse();
  if (startKey === undefined) return { month: month as string };
  const expected = ['pk', 'sk', index.keyName, 'submittedAt'];
  if (!isPlainObject(startKey) || Object.keys(startKey).length !== expected.length) refuse();
  const key = startKey as Record<string, unknown>;
  if (!expected.every((name) => typeof key[name] === 'string')) refuse();
  const pk = key.pk as string;
  if (!pk.startsWith('REQUEST#') || !REQUEST_ID.test(pk.slice('REQUEST#'.length)) || key.sk !== 'REQUEST'
    || key[index.keyName] !== bucketKey(index.value, month as string) || !ISO_INSTANT.test(key.submittedAt as string)
    || monthOfRequest(pk.slice('REQUEST#'.length)) !== month) refuse();
  return { month: month as string, startKey: key as Record<string, string> };
};
