/**
 * Split detection: a requirement broken into smaller buys to stay under a threshold. The rule is
 * the policy's own (its `splitting.citation`); other codes state it too, for example FAR
 * 13.003(c)(2) for federal agencies and Cal. PCC 22033 for public works projects.
 * Pure: the caller passes the history and the routing instant.
 *
 * Vendor names are compared by a key that spelling cannot dodge: invisible characters removed,
 * Unicode confusables folded to one skeleton (UTS #39), case, accents, punctuation and legal
 * suffixes ignored. A name that normalises to nothing (only punctuation, symbols or invisible
 * characters) is keyed by its exact text instead: an empty key must never make every such vendor
 * "the same".
 */
import { foldedSkeleton, removeInvisible } from './confusables';
import type { BasePolicy } from './policy-schema';
import type { PriorRequest } from './types';

const SUFFIX_WORDS = ['inc', 'incorporated', 'llc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'plc', 'lp', 'llp', 'pc', 'pllc'];
const SUFFIXES = new Set(SUFFIX_WORDS);
/**
 * The suffixes and "the" as skeletons, so "Acme Іnс" (Cyrillic І and с) loses its suffix too.
 * Computed on first use: nothing at module load touches the confusables table, so a bundle that
 * never compares vendors can leave the table out.
 */
let skeletonWords: { the: string; suffixes: ReadonlySet<string> } | undefined;
const skeletonSuffixes = () =>
  (skeletonWords ??= { the: foldedSkeleton('the'), suffixes: new Set(SUFFIX_WORDS.map((w) => foldedSkeleton(w))) });

/** Words of a name: accents, punctuation and case gone; letters and digits of every script kept. */
function words(folded: string, the: string, suffixes: ReadonlySet<string>): string[] {
  const out = folded
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ')
    .replace(/\./g, '') // "L.L.C." → "llc" before other punctuation becomes a space
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (out[0] === the && out.length > 1) out.shift();
  while (out.length > 1 && suffixes.has(out[out.length - 1]!)) out.pop();
  return out;
}

/**
 * The readable form of a vendor name: "ACME, Inc.", "Acme Corp" and "acme" are "acme". Greek,
 * Cyrillic or Arabic names keep their letters, so they stay distinct from one another; '' when
 * nothing is left. For comparing, use `vendorKey`, which also folds look-alike characters.
 */
export function normaliseVendorName(name: string): string {
  return words(removeInvisible(name.normalize('NFKD')).toLowerCase(), 'the', SUFFIXES).join(' ');
}

/**
 * The vendor's comparison key: the words of the name's UTS #39 skeleton, so "Acme" and "Acmе"
 * (Cyrillic е), "Ac\u00ADme" (soft hyphen) and "ＡＣＭＥ" (full width) are one key. A skeleton is
 * for comparing, not for reading ("m" folds to "rn"). When the name normalises to nothing, the
 * key is "=" and the exact trimmed text ("=" never starts a word key), so such a name matches
 * only itself, never every other such name.
 */
export function vendorKey(name: string): string {
  const { the, suffixes } = skeletonSuffixes();
  const key = words(foldedSkeleton(name), the, suffixes).join(' ');
  return key === '' ? `=${name.trim()}` : key;
}

export type SplitSettings = BasePolicy['splitting'];

/**
 * The key a store indexes prior requests by: department and vendor key, or "*" and the vendor
 * key when the policy relates requests across departments.
 */
export function splitKey(department: string, vendorName: string, settings?: Pick<SplitSettings, 'acrossDepartments'>): string {
  return `${settings?.acrossDepartments ? '*' : department.trim()}#${vendorKey(vendorName)}`;
}

/** How far back a store must read history for this policy's split rule, as of `at`. */
export function splitHistoryFrom(settings: Pick<SplitSettings, 'windowDays' | 'fiscalYearStartMonth'>, at: Date): Date {
  const trailing = at.getTime() - settings.windowDays * 86_400_000;
  if (settings.fiscalYearStartMonth === undefined) return new Date(trailing);
  return new Date(Math.min(trailing, fiscalYearStart(at, settings.fiscalYearStartMonth).getTime()));
}

export interface RelatedRequests {
  related: PriorRequest[];
  sumCents: number;
  window: { from: string; to: string };
  /**
   * When the policy aggregates per fiscal year: the year's first instant and what the related
   * requests of this fiscal year add up to (without the request being routed).
   */
  fiscalYear?: { from: string; sumCents: number };
}

/** The first instant (UTC) of the fiscal year that holds `at`, for a year starting on the first of `startMonth` (1–12). */
export function fiscalYearStart(at: Date, startMonth: number): Date {
  const year = at.getUTCMonth() + 1 >= startMonth ? at.getUTCFullYear() : at.getUTCFullYear() - 1;
  return new Date(Date.UTC(year, startMonth - 1, 1));
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The split rule in words, for `policy:check`: "90-day window, same department" and so on. */
export function splitRuleWords(settings: SplitSettings): string {
  const year = settings.fiscalYearStartMonth === undefined ? '' : ` and over the fiscal year starting ${MONTHS[settings.fiscalYearStartMonth - 1]} 1`;
  const who = settings.acrossDepartments ? 'any department' : 'the same department';
  return `requests to one vendor from ${who} are added up over ${settings.windowDays} days${year}`;
}

/**
 * Prior requests with the same key submitted up to `at` (inclusive): within the trailing window,
 * and, when the policy aggregates per fiscal year, anywhere in the current fiscal year too. Both
 * periods end at `at`, so one holds the other: the related requests are those of the longer one,
 * and the fiscal-year sum is reported apart, for the approver.
 */
export function relatedRequests(
  request: { department: string; vendor: { name: string } },
  history: readonly PriorRequest[],
  at: Date,
  settings: Pick<SplitSettings, 'windowDays' | 'fiscalYearStartMonth' | 'acrossDepartments'>,
  requestId?: string,
): RelatedRequests {
  const to = at.getTime();
  const from = splitHistoryFrom(settings, at).getTime();
  const window = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  const key = splitKey(request.department, request.vendor.name, settings);
  const related = history
    .filter((p) => p.id !== requestId)
    .filter((p) => splitKey(p.department, p.vendor.name, settings) === key)
    .filter((p) => {
      const t = Date.parse(p.submittedAt);
      return Number.isFinite(t) && t >= from && t <= to;
    })
    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id));
  const sum = (requests: readonly PriorRequest[]) => requests.reduce((s, p) => s + p.amountCents, 0);
  if (settings.fiscalYearStartMonth === undefined) return { related, sumCents: sum(related), window };
  const yearStart = fiscalYearStart(at, settings.fiscalYearStartMonth);
  const thisYear = related.filter((p) => Date.parse(p.submittedAt) >= yearStart.getTime());
  return { related, sumCents: sum(related), window, fiscalYear: { from: yearStart.toISOString(), sumCents: sum(thisYear) } };
}
