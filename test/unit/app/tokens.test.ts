/**
 * Approval ids are unguessable and the anti-forgery value binds a form to one approval id,
 * for a bounded time, under the link secret.
 */
import { checkAntiForgery, isWellFormedApprovalId, issueAntiForgery, newApprovalId, newRequestId, isWellFormedRequestId } from '../../../lambdas/app/tokens';

const secret = Buffer.from('s'.repeat(32));
const now = new Date('2026-11-22T10:00:00Z');

test('approval ids carry 256 random bits and never repeat', () => {
  const ids = new Set(Array.from({ length: 1000 }, newApprovalId));
  expect(ids.size).toBe(1000);
  for (const id of ids) expect(isWellFormedApprovalId(id)).toBe(true);
  expect(Buffer.from([...ids][0]!, 'base64url')).toHaveLength(32);
});

test('request ids are ULIDs', () => {
  expect(isWellFormedRequestId(newRequestId())).toBe(true);
  expect(isWellFormedRequestId('../etc/passwd')).toBe(false);
});

describe('anti-forgery value', () => {
  const id = newApprovalId();
  const value = issueAntiForgery(secret, id, now);

  test('accepted for the id it was issued for', () => {
    expect(checkAntiForgery(secret, id, value, new Date(now.getTime() + 60_000))).toBe(true);
  });
  test.each([
    ['another approval id', () => checkAntiForgery(secret, newApprovalId(), value, now)],
    ['another secret', () => checkAntiForgery(Buffer.from('x'.repeat(32)), id, value, now)],
    ['an altered signature', () => checkAntiForgery(secret, id, `${value.slice(0, -2)}AA`, now)],
    ['an altered time', () => checkAntiForgery(secret, id, value.replace(/^\d+/, String(now.getTime() + 1)), now)],
    ['older than a day', () => checkAntiForgery(secret, id, value, new Date(now.getTime() + 25 * 3600_000))],
    ['missing', () => checkAntiForgery(secret, id, undefined, now)],
    ['garbage', () => checkAntiForgery(secret, id, 'not-a-token', now)],
    ['extra parts after a valid value', () => checkAntiForgery(secret, id, `${value}.extra`, now)],
  ])('refused with %s', (_name, check) => {
    expect(check()).toBe(false);
  });
});
