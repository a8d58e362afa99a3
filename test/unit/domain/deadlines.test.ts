/**
 * Deadlines (DESIGN §7): reminder after 2 business days, escalation after 5, expiry after 10.
 * Business days skip Saturday and Sunday in UTC; holidays are not modelled.
 */
import { addBusinessDays, deadlinesFor, formatUsd, parsePolicy } from '../../../lambdas/domain';
import { sampleCity } from './helpers';

describe('addBusinessDays (UTC, Saturday and Sunday skipped, time of day kept)', () => {
  it.each([
    ['Monday + 2 → Wednesday', '2026-11-30T09:30:00Z', 2, '2026-12-02T09:30:00.000Z'],
    ['Thursday + 2 → Monday', '2026-12-03T09:30:00Z', 2, '2026-12-07T09:30:00.000Z'],
    ['Friday + 1 → Monday', '2026-12-04T17:00:00Z', 1, '2026-12-07T17:00:00.000Z'],
    ['Saturday + 1 → Monday', '2026-12-05T10:00:00Z', 1, '2026-12-07T10:00:00.000Z'],
    ['Monday + 5 → next Monday', '2026-11-30T00:00:00Z', 5, '2026-12-07T00:00:00.000Z'],
    ['+ 0 → unchanged', '2026-12-05T10:00:00Z', 0, '2026-12-05T10:00:00.000Z'],
  ])('%s', (_case, from, days, expected) => {
    expect(addBusinessDays(new Date(from), days).toISOString()).toBe(expected);
  });
});

describe('deadlinesFor', () => {
  it('sample-city: 2, 5 and 10 business days from opening', () => {
    expect(deadlinesFor(sampleCity, new Date('2026-12-01T08:00:00Z'))).toEqual({
      remindAt: '2026-12-03T08:00:00.000Z',
      escalateAt: '2026-12-08T08:00:00.000Z',
      expireAt: '2026-12-15T08:00:00.000Z',
    });
  });
  it('a policy may use seconds instead (short timeouts for local demos)', () => {
    const quick = parsePolicy({ ...structuredClone(sampleCity), id: 'quick', deadlines: { reminder: { seconds: 60 }, escalation: { seconds: 120 }, expiry: { seconds: 300 } } });
    expect(deadlinesFor(quick, new Date('2026-12-01T00:00:00Z'))).toEqual({
      remindAt: '2026-12-01T00:01:00.000Z',
      escalateAt: '2026-12-01T00:02:00.000Z',
      expireAt: '2026-12-01T00:05:00.000Z',
    });
  });
});

describe('formatUsd', () => {
  it.each([
    [12_000_000, '$120,000.00'],
    [499_999, '$4,999.99'],
    [5, '$0.05'],
    [1e14, '$1,000,000,000,000.00'],
  ])('%p cents → %s', (cents, text) => expect(formatUsd(cents)).toBe(text));
});
