/**
 * Checkpoint deadlines. Business days skip Saturday and Sunday in UTC; public holidays are not
 * modelled (a policy that needs them can use `{ seconds }`). The time of day is kept.
 */
import { requireBase } from './policy';
import type { Policy } from './policy-schema';
import type { Deadlines, Duration } from './types';

export function addBusinessDays(from: Date, days: number): Date {
  const d = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) left--;
  }
  return d;
}

export function addDuration(from: Date, duration: Duration): Date {
  return 'businessDays' in duration
    ? addBusinessDays(from, duration.businessDays)
    : new Date(from.getTime() + duration.seconds * 1000);
}

export function deadlinesFor(policy: Policy, openedAt: Date): Deadlines {
  const { deadlines } = requireBase(policy);
  return {
    remindAt: addDuration(openedAt, deadlines.reminder).toISOString(),
    escalateAt: addDuration(openedAt, deadlines.escalation).toISOString(),
    expireAt: addDuration(openedAt, deadlines.expiry).toISOString(),
  };
}
