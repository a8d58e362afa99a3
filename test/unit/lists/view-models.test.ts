/**
 * The list view models, pure: a request's row (who holds it, since when, due and overdue), a
 * queue entry, the overview's filters and grouping, and the CSV with formula cells neutralised.
 */
import {
  csvCell, homeQuery, overviewCsv, overviewCsvFilename, overviewFilters, overviewOf, requestRow, waitingRow, type RequestRow,
} from '../../../lambdas/app/lists';
import { RequestValidationError } from '../../../lambdas/shared/errors';
import type { CheckpointRecord, RequestRecord } from '../../../lambdas/store/records';

const NOW = new Date('2026-11-10T12:00:00.000Z');
const person = (name: string) => ({ name, email: `${name.toLowerCase().replace(/ /g, '.')}@city.example` });

const aRecord = (overrides: Partial<RequestRecord> = {}, request: Record<string, unknown> = {}): RequestRecord => ({
  id: '01J0000000000000000000000A',
  submittedAt: '2026-11-02T09:00:00.000Z',
  updatedAt: '2026-11-02T09:05:00.000Z',
  status: 'PENDING_APPROVAL',
  currentIndex: 0,
  request: {
    title: 'Safety vests', department: 'Public Works', requester: person('Ana Ruiz'), amountCents: 120_000,
    vendor: { name: 'Vest Co' }, category: 'goods', fundingSource: 'local', description: 'x', policy: 'sample-city', ...request,
  } as unknown as RequestRecord['request'],
  ...overrides,
});

const aCheckpoint = (overrides: Partial<CheckpointRecord> = {}): CheckpointRecord => ({
  requestId: '01J0000000000000000000000A',
  index: 0,
  role: 'department-head',
  roleTitle: 'Department Head',
  approver: person('Dana Ortiz'),
  escalation: person('City Manager'),
  reason: 'department approval',
  state: 'pending',
  openedAt: '2026-11-02T09:05:00.000Z',
  deadlines: { remindAt: '2026-11-05T09:05:00.000Z', escalateAt: '2026-11-09T09:05:00.000Z', expireAt: '2026-11-16T09:05:00.000Z' },
  notified: { request: '2026-11-02T09:05:01.000Z' },
  ...overrides,
});

describe('a request row', () => {
  it('a request waiting for approval is held by the current approver since the checkpoint opened, due at the reminder deadline', () => {
    const row = requestRow(aRecord(), aCheckpoint(), NOW);
    expect(row).toMatchObject({
      number: '01J0000000000000000000000A', title: 'Safety vests', amount: '$1,200.00', stage: 'Department Head', stageKey: 'department-head',
      holder: { name: 'Dana Ortiz', roleTitle: 'Department Head' }, since: '2026-11-02T09:05:00.000Z',
      dueAt: '2026-11-05T09:05:00.000Z', expiresAt: '2026-11-16T09:05:00.000Z', overdue: true, ageDays: 8,
    });
  });

  it('shows the PR number when the request has one, and is not overdue before the reminder deadline', () => {
    const row = requestRow(aRecord({ number: 'PR-2026-000123' }), aCheckpoint(), new Date('2026-11-05T09:04:59.999Z'));
    expect(row.number).toBe('PR-2026-000123');
    expect(row.overdue).toBe(false);
  });

  it('names a delegate with whom they act for, and the escalation contact once the escalation went out', () => {
    const row = requestRow(aRecord(), aCheckpoint({ onBehalfOf: person('Lee Park'), notified: { request: 'x', escalation: '2026-11-09T09:05:00.000Z' } }), NOW);
    expect(row.holder).toEqual({ name: 'Dana Ortiz', roleTitle: 'Department Head', onBehalfOf: 'Lee Park', escalatedTo: 'City Manager' });
  });

  it('a submitted request is being routed; a returned one is back with its requester; a closed one is held by nobody', () => {
    expect(requestRow(aRecord({ status: 'SUBMITTED', currentIndex: undefined }), undefined, NOW))
      .toMatchObject({ stage: 'Being routed', since: '2026-11-02T09:00:00.000Z', overdue: false });
    const returned = requestRow(aRecord({ status: 'RETURNED', outcome: { status: 'RETURNED', at: '2026-11-02T09:01:00.000Z', reasons: [] } }), undefined, NOW);
    expect(returned).toMatchObject({ stage: 'Returned for changes', since: '2026-11-02T09:01:00.000Z', holder: { name: 'Ana Ruiz' } });
    const approved = requestRow(aRecord({ status: 'APPROVED', outcome: { status: 'APPROVED', at: '2026-11-03T10:00:00.000Z', reasons: [] } }), aCheckpoint({ state: 'approved' }), NOW);
    expect(approved).toMatchObject({ stage: 'Approved', since: '2026-11-03T10:00:00.000Z', overdue: false });
    expect(approved.holder).toBeUndefined();
    expect(approved.dueAt).toBeUndefined();
  });
});

describe('a queue entry', () => {
  it('the approver is due at the reminder; the escalation contact at expiry, since the escalation, deciding for the approver', () => {
    const record = aRecord();
    expect(waitingRow({ checkpoint: aCheckpoint(), as: 'approver' }, record, NOW)).toMatchObject({
      requestId: record.id, index: 0, since: '2026-11-02T09:05:00.000Z', dueAt: '2026-11-05T09:05:00.000Z', overdue: true, roleTitle: 'Department Head',
    });
    const escalated = waitingRow({ checkpoint: aCheckpoint({ notified: { escalation: '2026-11-09T09:05:00.000Z' } }), as: 'escalation-contact' }, record, NOW);
    expect(escalated).toMatchObject({ since: '2026-11-09T09:05:00.000Z', dueAt: '2026-11-16T09:05:00.000Z', overdue: false, escalatedFrom: 'Dana Ortiz' });
    expect(escalated.onBehalfOf).toBeUndefined();
  });
});

describe('the overview', () => {
  const rows: RequestRow[] = [
    requestRow(aRecord({ id: '01J0000000000000000000000A', submittedAt: '2026-11-03T00:00:00.000Z' }), aCheckpoint(), NOW),
    requestRow(aRecord({ id: '01J0000000000000000000000B', submittedAt: '2026-11-01T00:00:00.000Z' }, { department: 'Police' }),
      aCheckpoint({ requestId: '01J0000000000000000000000B', index: 1, role: 'purchasing-agent', roleTitle: 'Purchasing Agent', deadlines: { remindAt: '2026-11-20T00:00:00.000Z', escalateAt: 'x', expireAt: 'y' } }), NOW),
    requestRow(aRecord({ id: '01J0000000000000000000000C', status: 'SUBMITTED', submittedAt: '2026-11-10T11:59:00.000Z' }), undefined, NOW),
    requestRow(aRecord({ id: '01J0000000000000000000000D', submittedAt: '2026-10-30T00:00:00.000Z' }), aCheckpoint({ requestId: '01J0000000000000000000000D' }), NOW),
  ];

  it('groups by stage in the order the workflow meets them, oldest first within a stage', () => {
    const view = overviewOf(rows, overviewFilters({}), false);
    expect(view.groups.map((g) => [g.stage, g.rows.map((r) => r.id.slice(-1))])).toEqual([
      ['Being routed', ['C']], ['Department Head', ['D', 'A']], ['Purchasing Agent', ['B']],
    ]);
    expect(view).toMatchObject({ shown: 4, total: 4, truncated: false });
    expect(view.options.departments).toEqual(['Police', 'Public Works']);
    expect(view.options.stages.map((s) => s.key)).toEqual(['SUBMITTED', 'department-head', 'purchasing-agent']);
  });

  it.each([
    [{ status: 'SUBMITTED' }, ['C']],
    [{ department: 'Police' }, ['B']],
    [{ stage: 'department-head' }, ['D', 'A']],
    [{ overdue: 'yes' }, ['D', 'A']],
    [{ status: '', department: '', stage: '' }, ['C', 'D', 'A', 'B']],
  ])('filters %j', (query, ids) => {
    const view = overviewOf(rows, overviewFilters(query), false);
    expect(view.groups.flatMap((g) => g.rows.map((r) => r.id.slice(-1)))).toEqual(ids);
    expect(view.total).toBe(4);
  });

  it.each([
    [{ status: 'APPROVED' }, 'status'],
    [{ overdue: 'true' }, 'overdue'],
    [{ format: 'xlsx' }, 'format'],
    [{ sort: 'age' }, 'sort'],
    [{ department: 'x'.repeat(201) }, 'department'],
  ])('refuses %j naming the field', (query, field) => {
    let thrown: unknown;
    try { overviewFilters(query); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(RequestValidationError);
    expect((thrown as RequestValidationError).fields.map((f) => f.field)).toEqual([field]);
  });

  it('the home page takes a cursor and nothing else', () => {
    expect(homeQuery({})).toEqual({});
    expect(homeQuery({ cursor: 'abc' })).toEqual({ cursor: 'abc' });
    expect(() => homeQuery({ page: '2' })).toThrow(RequestValidationError);
    expect(() => homeQuery({ cursor: '' })).toThrow(RequestValidationError);
  });
});

describe('the CSV', () => {
  it.each([
    ['=1+2', "'=1+2"], ['+1', "'+1"], ['-1', "'-1"], ['@SUM(A1)', "'@SUM(A1)"], ['\tx', "'\tx"], ['\rx', `"'\rx"`],
    ['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['two\nlines', '"two\nlines"'],
  ])('cell %j is written %j', (text, written) => {
    expect(csvCell(text)).toBe(written);
  });

  it('numbers we write are numbers; an absent value is empty', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(undefined)).toBe('');
  });

  it('one header and one CRLF line per row kept by the filters, a hostile title neutralised', () => {
    const hostile = requestRow(aRecord({}, { title: '=HYPERLINK("http://evil.example","x")' }), aCheckpoint(), NOW);
    const csv = overviewCsv(overviewOf([hostile], overviewFilters({}), false));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('Number,Id,Title,Department,Requester,Requester email,Amount (USD),Status,Stage,Held by,Since,Due,Overdue,Expires,Age (days),Submitted');
    expect(lines[1]).toBe([
      '01J0000000000000000000000A', '01J0000000000000000000000A', `"'=HYPERLINK(""http://evil.example"",""x"")"`, 'Public Works', 'Ana Ruiz',
      'ana.ruiz@city.example', '1200.00', 'PENDING_APPROVAL', 'Department Head', 'Dana Ortiz', '2026-11-02T09:05:00.000Z',
      '2026-11-05T09:05:00.000Z', 'yes', '2026-11-16T09:05:00.000Z', '8', '2026-11-02T09:00:00.000Z',
    ].join(','));
    expect(lines.slice(2)).toEqual(['']);
  });

  it('the file is named by the date only', () => {
    expect(overviewCsvFilename(NOW)).toBe('open-requests-2026-11-10.csv');
  });
});
