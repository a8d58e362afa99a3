/**
 * Line items: what is bought, how many, at what unit price, charged to which account. The
 * request's amount is the sum of its lines, in integer cents: a quantity may have decimals
 * (2.5 hours), but each line must come to whole cents, so no total is ever rounded.
 */
import type { Category } from './vocabulary';

export interface LineItem {
  description: string;
  quantity: number;
  unitPriceCents: number;
  account: string;
  /** When the line is another kind of purchase than the request (several solutions under one contract). */
  category?: Category;
}

/** Quantities carry at most four decimals; scaled by this they are whole numbers. */
const QUANTITY_SCALE = 10_000;
export const MAX_QUANTITY = 1_000_000;

/** Why a quantity is refused, or null. */
export function quantityProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
  if (value <= 0) return 'must be greater than zero';
  if (value > MAX_QUANTITY) return `must be at most ${MAX_QUANTITY.toLocaleString('en-US')}`;
  const scaled = value * QUANTITY_SCALE;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) return 'must have at most four decimals';
  return null;
}

/** quantity × unit price in cents, or null when that is not a whole number of cents. */
export function lineCents(line: Pick<LineItem, 'quantity' | 'unitPriceCents'>): number | null {
  // BigInt: a large unit price times a scaled quantity exceeds 2^53.
  const product = BigInt(Math.round(line.quantity * QUANTITY_SCALE)) * BigInt(line.unitPriceCents);
  const scale = BigInt(QUANTITY_SCALE);
  if (product % scale !== 0n) return null;
  return Number(product / scale);
}

/** The sum of the lines in cents (every line must already be whole cents). */
export function linesTotalCents(lines: readonly Pick<LineItem, 'quantity' | 'unitPriceCents'>[]): number {
  return lines.reduce((sum, line) => sum + (lineCents(line) ?? Number.NaN), 0);
}
