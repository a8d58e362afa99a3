/**
 * Mail scanners fetch links and run scripts, and a page that needs JavaScript would fail for an
 * approver whose client blocks it. So: no script anywhere, and no text a requester types can ever
 * become markup. The first block proves the checker itself catches what it claims to.
 */
import fc from 'fast-check';
import {
  escapeHtml,
  renderAlreadyDecidedPage,
  renderApprovalPage,
  renderApprovalRequestEmail,
  renderDecisionRecordedPage,
  renderExpiredPage,
  renderFormErrorPage,
  renderNotFoundPage,
  renderOutcomeEmail,
  type CheckpointView,
  type RequestSummary,
} from '../../../lambdas/presentation';
import { aDecidedCheckpoint, aPendingCheckpoint, aRequest, aView, scriptFreeProblems } from './fixtures';

describe('the script-free check', () => {
  it.each([
    ['<p>hi</p><script>alert(1)</script>'],
    ['<button type="submit" onclick="go()">Approve</button>'],
    ['<body onload=go()>'],
    ['<a href="javascript:alert(1)">x</a>'],
    ['<form action="data:text/html,x">'],
    ['<img src="https://tracker.example/p.gif">'],
    ["<input value='x'>"],
    ['<iframe srcdoc="x">'],
  ])('flags %s', (markup) => {
    expect(scriptFreeProblems(markup)).not.toEqual([]);
  });

  it('does not flag escaped text that merely mentions onerror= or javascript:', () => {
    const text = escapeHtml('<img src=x onerror=alert(1)> javascript:alert(1)');
    expect(scriptFreeProblems(`<p title="${text}">${text}</p>`)).toEqual([]);
  });
});

describe('every renderer is script-free', () => {
  const request = aRequest();
  const view = aView({ requires: ['meetingDate', 'resolutionNumber'] });
  const bodies: Array<[string, string]> = [
    ['approval page', renderApprovalPage(view).body],
    ['decision recorded', renderDecisionRecordedPage({ request, decision: 'approve', decidedAt: '2027-01-05T09:00:00Z', by: 'Chris Lee', nextStep: 'Finance Director' }).body],
    ['already decided', renderAlreadyDecidedPage({ request, decision: 'approved', by: 'Chris Lee', at: '2027-01-05T09:00:00Z' }).body],
    ['expired', renderExpiredPage({ request, expiredAt: '2027-01-11T17:00:00Z' }).body],
    ['not found', renderNotFoundPage().body],
    ['form error', renderFormErrorPage({ statusCode: 400, message: 'Reason required', fields: [{ field: 'comment', message: 'Required to reject' }], view }).body],
    ['approval email', renderApprovalRequestEmail({ request, recipient: aPendingCheckpoint().approver, checkpoint: aPendingCheckpoint(), previous: [aDecidedCheckpoint()], link: 'https://a.example/approvals/x', phase: 'reminder', dueAt: '2027-01-11' }).html],
    ['outcome email', renderOutcomeEmail({ request, outcome: 'APPROVED', reasons: [], checkpoints: [aDecidedCheckpoint()] }).html],
  ];

  it.each(bodies)('%s: no <script, no on…= attributes, nothing loaded', (_name, body) => {
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<[^>]*\son[a-z]+\s*=\s*"/i);
    expect(scriptFreeProblems(body)).toEqual([]);
  });
});

/**
 * Property: whatever a requester or approver types, the markup has the same structure. Escaped text
 * adds no "<", ">", '"' or "'" of its own, so their counts match a render with harmless values.
 */
describe('no input changes the markup structure (fast-check)', () => {
  const MARKUP_CHARS = ['<', '>', '"', "'"];
  const nasty = fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '&', '`', '=', '/', ' ', '\n', 'a', 'on', 'script', '&amp;', '-->'), minLength: 1, maxLength: 30 }),
    )
    // Text with something visible: blank or control-only text rightly drops an optional element.
    .filter((s) => /[^\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(s));

  function structure(markup: string): number[] {
    return MARKUP_CHARS.map((c) => markup.split(c).length - 1);
  }

  function withText(text: string): { request: RequestSummary; done: CheckpointView; current: CheckpointView } {
    const request = aRequest({
      title: text,
      description: text,
      department: text,
      vendor: text,
      amount: text,
      requester: { name: text, email: text },
      tier: { id: text, reason: text, citation: text },
      method: { type: text, eligible: false, checks: [{ id: text, passed: false, detail: text, citation: text }] },
      flags: [{ type: text, detail: text }],
    });
    const done = aDecidedCheckpoint({ roleTitle: text, decidedBy: text, comment: text, meetingDate: text, resolutionNumber: text });
    const current = aPendingCheckpoint({ roleTitle: text, approver: { name: text, email: text } });
    return { request, done, current };
  }

  function renderAll(text: string): string[] {
    const { request, done, current } = withText(text);
    const view = aView({ request, current, checkpoints: [done, current], requires: ['meetingDate', 'resolutionNumber'], antiForgeryToken: text });
    return [
      renderApprovalPage(view).body,
      renderFormErrorPage({ statusCode: 400, message: text, fields: [{ field: 'comment', message: text }], view, values: { comment: text, meetingDate: text, resolutionNumber: text } }).body,
      renderAlreadyDecidedPage({ request, decision: 'approved', by: text, at: text }).body,
      renderDecisionRecordedPage({ request, decision: 'reject', decidedAt: text, by: text, nextStep: text }).body,
      renderApprovalRequestEmail({ request, number: text, recipient: { name: text, email: text }, checkpoint: current, previous: [done], link: 'https://a.example/x', phase: 'escalation', dueAt: text, escalatedFrom: { name: text, email: text } }).html,
      renderOutcomeEmail({ request, number: text, outcome: 'RETURNED', reasons: [{ message: text, citation: text }], checkpoints: [done, current], resubmitLink: 'https://a.example/requests/new?from=x' }).html,
    ];
  }

  it('page and email markup keeps its shape for any text', () => {
    const baseline = renderAll('x').map(structure);
    fc.assert(
      fc.property(nasty, (text) => {
        expect(renderAll(text).map(structure)).toEqual(baseline);
      }),
      { numRuns: 200 },
    );
  });

  it('escapeHtml leaves no markup character and round-trips', () => {
    const unescape = (s: string) =>
      s.replace(/&(lt|gt|quot|#39|#96|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`', amp: '&' })[e]!);
    fc.assert(
      fc.property(nasty, (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"'`]/);
        expect(unescape(escaped)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML specials and the backtick', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>\``)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;&#96;');
  });

  it('escapes an existing entity again (text is text)', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});
