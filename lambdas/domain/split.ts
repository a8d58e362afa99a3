/**
 * Split detection (FAR 13.003(c)(2); Cal. PCC 22033): a requirement broken into smaller buys to
 * stay under a threshold. Pure: the caller passes the history and the routing instant.
 */
import type { PriorRequest } from './types';

const SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'plc', 'lp', 'llp', 'pc', 'pllc',
]);

/** "ACME, Inc.", "Acme Corp" and "acme" are the same vendor for split detection. */
export function normaliseVendorName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\./g, '') // "L.L.C." → "llc" before other punctuation becomes a space
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words[0] === 'the' && words.length > 1) words.shift();
  while (words.length > 1 && SUFFIXES.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

/** The key a store indexes prior requests by (department and normalised vendor). */
export function splitKey(department: string, vendorName: string): string {
  return `${department.trim()}#${normaliseVendorName(vendorName)}`;
}

export interface RelatedRequests {
  related: PriorRequest[];
  sumCents: number;
  window: { from: string; to: string };
}

/** Prior requests with the same key submitted in the trailing window up to `at` (inclusive). */
export function relatedRequests(
  request: { department: string; vendor: { name: string } },
  history: readonly PriorRequest[],
  at: Date,
  windowDays: number,
  requestId?: string,
): RelatedRequests {
  const to = at.getTime();
  const from = to - windowDays * 86_400_000;
  const key = splitKey(request.department, request.vendor.name);
  const related = history
    .filter((p) => p.id !== requestId)
    .filter((p) => splitKey(p.department, p.vendor.name) === key)
    .filter((p) => {
      const t = Date.parse(p.submittedAt);
      return Number.isFinite(t) && t >= from && t <= to;
    })
    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id));
  return {
    related,
    sumCents: related.reduce((s, p) => s + p.amountCents, 0),
    window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
  };
}
