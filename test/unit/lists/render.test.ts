/**
 * The list pages as rendered: escaped by construction, no script, the empty states say what to
 * do, overdue is said in words (not colour alone), the CSV link keeps the filters, and the
 * approval page offers a jump to its decision right after the summary.
 */
import type { OverviewView, RequestRow, WaitingRow } from '../../../lambdas/app/lists';
import { overviewFilters } from '../../../lambdas/app/lists';
import { renderApprovalPage } from '../../../lambdas/presentation';
import { renderHomePage, renderOverviewPage, renderWaitingPage } from '../../../lambdas/presentation/lists';
import type { PageViewer } from '../../../lambdas/presentation/layout';
import { aView, HOSTILE, scriptFreeProblems } from '../presentation/fixtures';

const viewer: PageViewer = { name: 'Jordan Blake', email: 'jordan.blake@sample-city.example', roles: ['requester', 'purchasing'], via: 'bearer' };
const frame = { viewer, base: '/prod' };

const aRow = (overrides: Partial<RequestRow> = {}): RequestRow => ({
  id: '01J0000000000000000000000A', number: 'PR-2026-000123', title: 'Safety vests', amount: '$1,200.00', amountCents: 120_000,
  department: 'Public Works', requester: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' }, status: 'PENDING_APPROVAL',
  stage: 'Department Head', stageKey: 'department-head', stageOrder: 0, holder: { name: 'Dana Ortiz', roleTitle: 'Department Head' },
  since: '2026-11-02T09:05:00.000Z', dueAt: '2026-11-05T09:05:00.000Z', expiresAt: '2026-11-16T09:05:00.000Z', overdue: true,
  submittedAt: '2026-11-02T09:00:00.000Z', ageDays: 8, ...overrides,
});

const aWaitingRow = (overrides: Partial<WaitingRow> = {}): WaitingRow => ({
  requestId: '01J0000000000000000000000A', index: 0, number: 'PR-2026-000123', title: 'Safety vests', amount: '$1,200.00',
  department: 'Public Works', requester: 'Ana Ruiz', roleTitle: 'Department Head', as: 'approver', since: '2026-11-02T09:05:00.000Z',
  dueAt: '2026-11-05T09:05:00.000Z', overdue: false, ...overrides,
});

const anOverview = (rows: RequestRow[], query: Record<string, string> = {}): OverviewView => ({
  filters: overviewFilters(query), groups: rows.length ? [{ stage: rows[0]!.stage, stageKey: rows[0]!.stageKey, rows }] : [],
  shown: rows.length, total: rows.length, truncated: false,
  options: { departments: ['Public Works', HOSTILE], stages: [{ key: 'department-head', label: 'Department Head' }] },
});

describe('my requests', () => {
  it('each row links the request page under the stage prefix, says the status in words and who holds it', () => {
    const page = renderHomePage({ rows: [aRow()], firstPage: true }, frame);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/prod/requests/01J0000000000000000000000A"');
    expect(page.body).toContain('PR-2026-000123');
    expect(page.body).toContain('Waiting for approval');
    expect(page.body).toContain('Dana Ortiz');
    expect(page.body).toMatch(/<strong class="overdue">Overdue<\/strong>/);
    expect(page.body).toContain('aria-current="page">My requests');
  });

  it('a new user is told what a request is and where to start one', () => {
    const page = renderHomePage({ rows: [], firstPage: true }, frame);
    expect(page.body).toContain('You have no purchase requests yet');
    expect(page.body).toContain('href="/prod/requests/new"');
    expect(page.body).not.toContain('<table');
  });

  it('pages on with the cursor, and back to the newest', () => {
    const page = renderHomePage({ rows: [aRow()], nextCursor: 'eyJrIjp7fX0', firstPage: false }, frame);
    expect(page.body).toContain('href="/prod/?cursor=eyJrIjp7fX0" rel="next"');
    expect(page.body).toContain('href="/prod/">Newest requests');
  });
});

describe('waiting for me', () => {
  it('each entry hops through our route, never carrying a link token; an escalation says from whom', () => {
    const page = renderWaitingPage([aWaitingRow(), aWaitingRow({ index: 1, as: 'escalation-contact', escalatedFrom: 'Dana Ortiz', overdue: true })], frame);
    expect(page.body).toContain('href="/prod/waiting/01J0000000000000000000000A/0"');
    expect(page.body).toContain('href="/prod/waiting/01J0000000000000000000000A/1"');
    expect(page.body).not.toContain('/approvals/');
    expect(page.body).toContain('escalated to you from Dana Ortiz');
    expect(page.body).toContain('1 overdue');
  });

  it('an empty queue says so', () => {
    expect(renderWaitingPage([], frame).body).toContain('Nothing waits for your decision');
  });
});

describe('all open requests', () => {
  it('the filter form is a GET form showing the chosen values; the CSV link keeps them', () => {
    const page = renderOverviewPage(anOverview([aRow()], { department: 'Public Works', overdue: 'yes' }), frame);
    expect(page.body).toContain('<form method="get" action="/prod/purchasing"');
    expect(page.body).toContain('<option value="Public Works" selected>');
    expect(page.body).toMatch(/name="overdue" value="yes" checked/);
    expect(page.body).toContain('href="/prod/purchasing?department=Public+Works&amp;overdue=yes&amp;format=csv"');
  });

  it('no match is said in words', () => {
    expect(renderOverviewPage(anOverview([]), frame).body).toContain('No open request matches these filters.');
  });
});

describe('escaping', () => {
  it.each([
    ['home', () => renderHomePage({ rows: [aRow({ title: HOSTILE, number: HOSTILE, holder: { name: HOSTILE, roleTitle: HOSTILE, onBehalfOf: HOSTILE } })], firstPage: true }, frame)],
    ['waiting', () => renderWaitingPage([aWaitingRow({ title: HOSTILE, requester: HOSTILE, department: HOSTILE, roleTitle: HOSTILE })], frame)],
    ['overview', () => renderOverviewPage(anOverview([aRow({ title: HOSTILE, department: HOSTILE, stage: HOSTILE })]), frame)],
  ])('the %s page turns hostile text into text', (_name, render) => {
    const { body } = render();
    expect(scriptFreeProblems(body)).toEqual([]);
    expect(body).not.toContain('<img src=x');
  });
});

describe('the approval page on a phone', () => {
  it('the summary comes first, then a jump to the decision, then the details, then the form it jumps to', () => {
    const { body } = renderApprovalPage(aView());
    const jump = body.indexOf('href="#decide"');
    expect(jump).toBeGreaterThan(body.indexOf('class="amount"'));
    expect(jump).toBeLessThan(body.indexOf('id="tier-heading"'));
    expect(body.indexOf('<section id="decide"')).toBeGreaterThan(body.indexOf('id="chain-heading"'));
  });
});
