/**
 * The number people read and say for a request: `PR-2026-000123`, the year of submission and a
 * sequence that starts again at 1 each year. Six digits at least (a seventh appears only past a
 * million requests in one year, so the format never fails a submission). The ULID stays the key.
 */
const REQUEST_NUMBER = /^PR-(\d{4})-(\d{6,9})$/;

export const formatRequestNumber = (year: number, sequence: number): string =>
  `PR-${String(year).padStart(4, '0')}-${String(sequence).padStart(6, '0')}`;

export const isRequestNumber = (text: string): boolean => REQUEST_NUMBER.test(text);

/** The year a request submitted at this ISO instant is numbered in (UTC, as the id's month). */
export const numberingYear = (isoInstant: string): number => Number(isoInstant.slice(0, 4));
