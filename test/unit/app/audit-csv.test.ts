/**
 * The auditor's CSV export: one row per event in seq order, RFC 4180 quoting, and no cell that a
 * spreadsheet would run as a formula.
 */
import { GENESIS_HASH, sealEvent, type AuditEvent } from '../../../lambdas/audit/chain';
import { auditCsv } from '../../../lambdas/audit/csv';

const events: AuditEvent[] = [];
const add = (type: string, actor: AuditEvent['actor'], data: Record<string, unknown>) =>
  events.push(sealEvent(events.at(-1)?.hash ?? GENESIS_HASH, { requestId: 'R1', seq: events.length + 1, at: '2026-11-22T10:00:00.000Z', type, actor, data }));
add('request-submitted', { kind: 'requester', name: 'Ana Ruiz', email: 'ana@city.example' }, { title: '=HYPERLINK("http://evil.example","click")' });
add('checkpoint-approved', { kind: 'approver', name: 'Omar Haddad', email: 'omar@city.example', onBehalfOf: { name: 'Grace Kim', email: 'grace@city.example' } }, { comment: 'ok, "fine"\nsecond line' });

test('a header and one row per event, in seq order, lines ending CRLF', () => {
  const lines = auditCsv([...events].reverse()).split('\r\n');
  expect(lines[0]).toBe('seq,at,type,actorKind,actorName,actorEmail,onBehalfOf,data,prevHash,hash');
  expect(lines[1]).toMatch(/^1,2026-11-22T10:00:00.000Z,request-submitted,requester,Ana Ruiz,ana@city.example,,/);
  expect(lines[1]!.endsWith(`,${GENESIS_HASH},${events[0]!.hash}`)).toBe(true);
  expect(auditCsv(events).endsWith('\r\n')).toBe(true);
});

test('quotes, commas and line breaks are quoted; delegation reads "X on behalf of" as name <email>', () => {
  const csv = auditCsv(events);
  expect(csv).toContain('"{""comment"":""ok, \\""fine\\""\\nsecond line""}"');
  expect(csv).toContain('Grace Kim <grace@city.example>');
});

test('a cell that starts like a formula is neutralised with a leading quote', () => {
  expect(auditCsv([sealEvent(GENESIS_HASH, { requestId: 'R2', seq: 1, at: 'x', type: 'request-submitted', actor: { kind: 'requester', name: '=1+1', email: '@x' }, data: {} })]))
    .toContain(",'=1+1,'@x,");
});
