/** Calendar dates are plain "YYYY-MM-DD" strings compared as text; instants are judged in UTC. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip unchanged.
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/** The UTC calendar date of an instant, "YYYY-MM-DD". */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function laterDate(a: string, b: string): string {
  return a >= b ? a : b;
}
