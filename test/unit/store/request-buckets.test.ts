/**
 * The month buckets of the list indexes and the list cursor: a request's keys come from its id
 * alone, the months walk back one at a time, and only a cursor this service issued for the same
 * list is accepted.
 */
import { ulid } from 'ulid';
import {
  bucketKey, decodeCursor, encodeCursor, FIRST_MONTH, InvalidCursorError, listKeyAttributes, monthOfRequest, newestMonth, previousMonth,
  statusKeyOf, type ListIndex,
} from '../../../lambdas/store/request-buckets';

const NOV_2026 = Date.UTC(2026, 10, 15, 12);
const idIn = (epochMs: number) => ulid(epochMs);
const byRecency: ListIndex = { indexName: 'byRecency', keyName: 'listKey', value: 'REQUEST' };
const byStatus: ListIndex = { indexName: 'byStatus', keyName: 'statusKey', value: 'APPROVED' };
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

test('a request is bucketed by the month its id was minted in, for every list key and every status change', () => {
  const id = idIn(NOV_2026);
  expect(monthOfRequest(id)).toBe('2026-11');
  expect(listKeyAttributes(id, 'SUBMITTED', 'Public Works')).toEqual({
    listKey: 'REQUEST#2026-11', statusKey: 'SUBMITTED#2026-11', departmentKey: 'Public Works#2026-11',
  });
  expect(statusKeyOf(id, 'APPROVED')).toBe('APPROVED#2026-11');
  expect(monthOfRequest(idIn(Date.UTC(2027, 0, 1, 0, 0, 0, 0)))).toBe('2027-01');
  expect(monthOfRequest(idIn(Date.UTC(2026, 11, 31, 23, 59, 59, 999)))).toBe('2026-12');
});

test('months walk back across year ends; the newest bucket covers a writer whose clock runs a little ahead', () => {
  expect(previousMonth('2026-11')).toBe('2026-10');
  expect(previousMonth('2027-01')).toBe('2026-12');
  expect(previousMonth('2026-01')).toBe('2025-12');
  expect(newestMonth(NOV_2026)).toBe('2026-11');
  expect(newestMonth(Date.UTC(2026, 10, 30, 23, 58))).toBe('2026-12');
});

test('a cursor round-trips with and without a start key', () => {
  const id = idIn(NOV_2026);
  const startKey = { pk: `REQUEST#${id}`, sk: 'REQUEST', listKey: 'REQUEST#2026-11', submittedAt: '2026-11-15T12:00:00.000Z' };
  expect(decodeCursor(encodeCursor({ month: '2026-11', startKey }), byRecency, NOV_2026)).toEqual({ month: '2026-11', startKey });
  expect(decodeCursor(encodeCursor({ month: '2026-10' }), byRecency, NOV_2026)).toEqual({ month: '2026-10' });
});

test('forged, edited and other lists\' cursors are refused before any Query', () => {
  const id = idIn(NOV_2026);
  const good = { pk: `REQUEST#${id}`, sk: 'REQUEST', listKey: 'REQUEST#2026-11', submittedAt: '2026-11-15T12:00:00.000Z' };
  const forged = [
    '', '!!!', b64('not json'), b64([1]), b64(null), b64({ pk: 1e16 }), b64({ pk: 'x' }), b64({ listKey: 'REQUEST' }),
    b64({ m: '2026-13' }), b64({ m: 11 }), b64({ m: '2025-12' }), b64({ m: '2027-01' }), b64({ m: '2026-11', extra: 1 }),
    b64({ m: '2026-11', k: { ...good, pk: 'REQUEST#x' } }),
    b64({ m: '2026-11', k: { ...good, sk: 'CHECKPOINT#01' } }),
    b64({ m: '2026-11', k: { ...good, listKey: 'REQUEST#2026-10' } }),
    b64({ m: '2026-10', k: { ...good, listKey: 'REQUEST#2026-10' } }), // the id is from November
    b64({ m: '2026-11', k: { ...good, submittedAt: 1e16 } }),
    b64({ m: '2026-11', k: { ...good, statusKey: 'APPROVED#2026-11' } }),
    b64({ m: '2026-11', k: { pk: good.pk, sk: good.sk, submittedAt: good.submittedAt } }),
    'A'.repeat(3000),
  ];
  for (const cursor of forged) expect(() => decodeCursor(cursor, byRecency, NOV_2026)).toThrow(InvalidCursorError);
  // A byRecency cursor does not continue an APPROVED list.
  expect(() => decodeCursor(encodeCursor({ month: '2026-11', startKey: good }), byStatus, NOV_2026)).toThrow(InvalidCursorError);
  expect(bucketKey('APPROVED', FIRST_MONTH)).toBe(`APPROVED#${FIRST_MONTH}`);
});
