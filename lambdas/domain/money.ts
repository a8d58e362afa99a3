/**
 * Money crosses the API as a JSON number of dollars and lives everywhere else as integer cents, so
 * no rule ever compares floats. The two-decimal test accepts both the shortest printed form
 * ("19.99") and values a float computation produced (0.1 + 0.2), and refuses a real third decimal.
 */

export const MAX_DOLLARS = 1e12;

/** Why an amount is not money, or null when it is. */
export function dollarsProblem(value: unknown): string | null {
  if (typeof value !== 'number') return `must be a number of dollars, got ${describeType(value)}`;
  if (Number.isNaN(value)) return 'must be a number of dollars, got NaN';
  if (!Number.isFinite(value)) return 'must be a finite number of dollars';
  if (value <= 0) return 'must be greater than zero';
  // 5e-324 has "two decimals" after rounding, yet is no money at all.
  if (value < 0.01) return 'must be at least $0.01';
  if (value > MAX_DOLLARS) return `must be at most ${formatUsd(MAX_DOLLARS * 100)}`;
  if (!hasAtMostTwoDecimals(value)) return 'must have at most two decimals (whole cents)';
  return null;
}

export function hasAtMostTwoDecimals(value: number): boolean {
  const printed = String(value);
  if (!/e/i.test(printed)) {
    const decimals = printed.split('.')[1] ?? '';
    if (decimals.length <= 2) return true;
  }
  // 0.1 + 0.2 prints as 0.30000000000000004 yet is 30 cents; a true third decimal is far from a cent.
  const scaled = value * 100;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

export function dollarsToCents(dollars: number): number {
  return Math.round(dollars * 100);
}

export function centsToDollars(cents: number): number {
  return cents / 100;
}

/** "$120,000.00" — en-US grouping, always two decimals, for reasons and emails. */
export function formatUsd(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${grouped}.${rest}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : typeof value;
}
