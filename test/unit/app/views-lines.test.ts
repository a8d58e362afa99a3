/**
 * The lines an approver reads: a line of another kind than the request names its category, so the
 * approver can judge it against the contract's scope; a line of the request's own kind does not.
 */
import { requestSummary } from '../../../lambdas/app/views';
import type { RequestRecord } from '../../../lambdas/store/records';
import { request } from '../domain/helpers';

test('a line of another category than the request says so beside its description', () => {
  const purchase = request({
    amount: undefined,
    category: 'goods',
    lines: [
      { description: 'Handheld ticket writers', quantity: 10, unitPrice: 1200, account: '101-20-5300', category: 'goods' },
      { description: 'Ticketing software', quantity: 1, unitPrice: 8000, account: '101-20-5400', category: 'technology' },
    ],
  });
  const record = { id: '01JAAAAAAAAAAAAAAAAAAAAAAA', submittedAt: '2026-11-02T15:00:00.000Z', updatedAt: '2026-11-02T15:00:00.000Z', status: 'SUBMITTED', request: purchase } as RequestRecord;
  expect(requestSummary(record).lines?.map((l) => l.description)).toEqual(['Handheld ticket writers', 'Ticketing software (technology)']);
});
