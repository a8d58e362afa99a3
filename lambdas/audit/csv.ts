/**
 * The audit trail as CSV, for auditors who work in spreadsheets. Cells that a spreadsheet would
 * run as a formula (starting with = + - @, tab or carriage return) are prefixed with a quote, so a
 * hostile title cannot execute in the auditor's Excel (CSV injection).
 */
import type { AuditEvent } from './chain';

const COLUMNS = ['seq', 'at', 'type', 'actorKind', 'actorName', 'actorEmail', 'onBehalfOf', 'data', 'prevHash', 'hash'] as const;

const cell = (value: unknown): string => {
  let text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const auditCsv = (events: AuditEvent[]): string => {
  const rows = [...events].sort((a, b) => a.seq - b.seq).map((e) => [
    e.seq, e.at, e.type, e.actor.kind, e.actor.name, e.actor.email,
    e.actor.onBehalfOf ? `${e.actor.onBehalfOf.name} <${e.actor.onBehalfOf.email}>` : '', e.data, e.prevHash, e.hash,
  ].map(cell).join(','));
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
};
