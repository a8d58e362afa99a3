/**
 * The approval pages are what a mail scanner and an approver's phone both fetch. These specs pin
 * what makes that safe: escaping, the security headers with the exact CSP, one form whose two
 * submit buttons are the only way to decide, and status codes the handlers can rely on.
 */
import { createHash } from 'node:crypto';
import { LIMITS } from '../../../lambdas/domain/limits';
import {
  COMMENT_MAX_LENGTH,
  escapeHtml,
  pageHeaders,
  renderAlreadyDecidedPage,
  renderApprovalPage,
  renderDecisionRecordedPage,
  renderExpiredPage,
  renderFormErrorPage,
  renderNotFoundPage,
  type RenderedPage,
} from '../../../lambdas/presentation';
import {
  aDecidedCheckpoint,
  aHostileCheckpoint,
  aHostileRequest,
  aPendingCheckpoint,
  aRequest,
  aView,
  expectEscaped,
  HOSTILE,
  scriptFreeProblems,
  tags,
} from './fixtures';

function styleOf(body: string): string {
  const styles = [...body.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  expect(styles).toHaveLength(1);
  return styles[0]![1]!;
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function allPages(): Array<[string, RenderedPage]> {
  const view = aView({ requires: ['meetingDate', 'resolutionNumber'] });
  return [
    ['approval', renderApprovalPage(view)],
    ['decision recorded', renderDecisionRecordedPage({ request: aRequest(), decision: 'approve', decidedAt: '2027-01-05T09:00:00Z', by: 'Chris Lee', nextStep: 'Finance Director' })],
    ['already decided', renderAlreadyDecidedPage({ request: aRequest(), decision: 'approved', by: 'Chris Lee', at: '2027-01-05T09:00:00Z' })],
    ['expired', renderExpiredPage({ request: aRequest(), expiredAt: '2027-01-11T17:00:00Z' })],
    ['expired, no request', renderExpiredPage({ expiredAt: '2027-01-11T17:00:00Z' })],
    ['not found', renderNotFoundPage()],
    ['form error with view', renderFormErrorPage({ statusCode: 400, message: 'A reason is required to reject.', fields: [{ field: 'comment', message: 'Required to reject' }], view })],
    ['form error alone', renderFormErrorPage({ statusCode: 403, message: 'The form was altered or is out of date.' })],
  ];
}

describe('every page', () => {
  it.each(allPages())('%s: sends the security headers with the exact CSP for its own stylesheet', (_name, page) => {
    const hash = createHash('sha256').update(styleOf(page.body), 'utf8').digest('base64');
    expect(page.headers).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
  });

  it.each(allPages())('%s: is script-free (no <script, no on…= attributes, nothing loaded)', (_name, page) => {
    expect(scriptFreeProblems(page.body)).toEqual([]);
    // The CSP allows the one <style> by hash only; an inline style attribute would be blocked.
    expect(tags(page.body).filter((t) => /\sstyle\s*=/i.test(t))).toEqual([]);
  });

  it.each(allPages())('%s: is a mobile page in English with a title', (_name, page) => {
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.body).toContain('<meta charset="utf-8">');
    expect(page.body).toMatch(/<title>[^<]+<\/title>/);
    expect(page.body).not.toMatch(/https?:\/\//); // no external resources, no absolute links
  });

  it('pageHeaders returns a fresh object each call, so a handler adding a header changes no other page', () => {
    const a = pageHeaders();
    a['X-Extra'] = '1';
    expect(pageHeaders()).not.toHaveProperty('X-Extra');
  });

  it.each([
    ['approval', 200],
    ['decision recorded', 200],
    ['already decided', 409],
    ['expired', 410],
    ['expired, no request', 410],
    ['not found', 404],
    ['form error with view', 400],
    ['form error alone', 403],
  ])('%s answers %i', (name, status) => {
    expect(new Map(allPages()).get(name)!.statusCode).toBe(status);
  });
});

describe('renderApprovalPage', () => {
  test('shows the request status in words, not as a code', () => {
    const { body } = renderApprovalPage(aView());
    expect(body).toContain('Waiting for approval');
    expect(body).not.toContain('PENDING_APPROVAL');
  });

  it('shows amount, vendor, department, requester, tier with reason, method and the checklist with marks, text and citations', () => {
    const { body } = renderApprovalPage(aView());
    expect(body).toContain('<p class="amount">$120,000.00</p>');
    expect(body).toMatch(/<p class="vendor">.*Acme Mobility<\/p>/);
    expect(body).toContain('Public Works');
    expect(body).toContain('Ana Ruiz');
    expect(body).toContain('Tier: formal');
    expect(body).toContain('Above $25,000');
    expect(body).toContain('sample-city §3.2');
    expect(body).toContain('Method: Cooperative contract');
    expect(body).toContain('Checklist: Passed 1 of 2 checks');
    // Marks and words, not colour alone.
    expect(body).toMatch(/<li class="pass"><span class="mark" aria-hidden="true">✓<\/span><span class="verdict">Pass:<\/span> Contract 01-97 is active until 2028-06-30<cite>PCC §20118<\/cite><\/li>/);
    expect(body).toMatch(/<li class="fail"><span class="mark" aria-hidden="true">✗<\/span><span class="verdict">Fail:<\/span> Contract scope does not cover handhelds<cite>2 CFR 200\.318\(e\)<\/cite><\/li>/);
    expect(body).toContain('Possible split purchase:');
    expect(body).toContain('Two orders to Acme Mobility within 90 days total $130,000.00');
  });

  it('shows the history of earlier decisions, delegation included, and marks this checkpoint', () => {
    const { body } = renderApprovalPage(aView());
    expect(body).toContain('Approved by Ben Ito on behalf of Dana Park on 4 Jan 2027, 15:30 UTC');
    expect(body).toContain('“Budgeted in FY27”');
    expect(body).toMatch(/<li aria-current="step"><strong>2\. Purchasing Agent<\/strong> \(this link\)/);
    expect(body).toContain('Not asked yet');
  });

  it('has one POST form to the given action with a hidden anti-forgery field, a comment and two submit buttons', () => {
    const view = aView();
    const { body } = renderApprovalPage(view);
    expect(count(body, '<form')).toBe(1);
    const form = body.slice(body.indexOf('<form'), body.indexOf('</form>'));
    expect(form).toMatch(/^<form method="post" action="\/prod\/approvals\/01JAPPROVALID0000000000000"/);
    expect(form).toContain(`<input type="hidden" name="antiForgery" value="${view.antiForgeryToken}">`);
    expect(form).toContain('<button type="submit" name="decision" value="approve"');
    expect(form).toContain('<button type="submit" name="decision" value="reject"');
    expect(form).toMatch(/<label for="comment">Comment <span class="muted">Required to reject<\/span><\/label>/);
    expect(form).toMatch(/<textarea id="comment" name="comment"[^>]*><\/textarea>/);
    expect(count(body, '<button')).toBe(2);
    // Nothing outside the form can change anything: no other form, no link but in-page anchors.
    expect(tags(body).filter((t) => t.startsWith('<a ') && !/href="#/.test(t))).toEqual([]);
  });

  it('labels every visible form control', () => {
    const { body } = renderApprovalPage(aView({ requires: ['meetingDate', 'resolutionNumber'] }));
    const controls = tags(body).filter((t) => /^<(input|textarea|select)\b/.test(t) && !/type="hidden"/.test(t));
    expect(controls).toHaveLength(3);
    for (const control of controls) {
      const id = /\sid="([^"]+)"/.exec(control)![1];
      expect(body).toContain(`<label for="${id}">`);
    }
  });

  it('asks for meeting date and resolution number only when the checkpoint requires them', () => {
    const none = renderApprovalPage(aView()).body;
    expect(none).not.toContain('name="meetingDate"');
    expect(none).not.toContain('name="resolutionNumber"');
    expect(tags(none).filter((t) => /\srequired[\s>]/.test(t))).toEqual([]);

    const dateOnly = renderApprovalPage(aView({ requires: ['meetingDate'] })).body;
    expect(dateOnly).toMatch(/<input type="date" id="meetingDate" name="meetingDate"[^>]* required/);
    expect(dateOnly).not.toContain('name="resolutionNumber"');

    const both = renderApprovalPage(aView({ requires: ['meetingDate', 'resolutionNumber'] })).body;
    expect(both).toContain('name="meetingDate"');
    expect(both).toMatch(/<input type="text" id="resolutionNumber" name="resolutionNumber"[^>]* required/);
    expect(count(both, 'Required to approve')).toBe(2);
    // `required` stops Approve without them; Reject skips the browser check (a reason is what it needs).
    expect(both).toMatch(/<button type="submit" name="decision" value="reject"[^>]* formnovalidate>/);
  });

  it('offers exactly the lengths the server accepts (one constant each for the form and the server)', () => {
    const { body } = renderApprovalPage(aView({ requires: ['meetingDate', 'resolutionNumber'] }));
    expect(body).toMatch(new RegExp(`<textarea id="comment" name="comment"[^>]* maxlength="${LIMITS.comment}"`));
    expect(body).toMatch(new RegExp(`<input type="text" id="resolutionNumber"[^>]* maxlength="${LIMITS.resolutionNumber}"`));
    expect(COMMENT_MAX_LENGTH).toBe(LIMITS.comment);
  });

  it('carries the anti-forgery value once and the approval path only as the form action', () => {
    const view = aView();
    const { body } = renderApprovalPage(view);
    expect(count(body, view.antiForgeryToken)).toBe(1);
    expect(count(body, '01JAPPROVALID0000000000000')).toBe(1);
  });

  it('escapes every user-supplied string in text and in attributes', () => {
    const current = aHostileCheckpoint(1, 'pending');
    const view = aView({
      request: aHostileRequest(),
      checkpoints: [aHostileCheckpoint(0, 'approved'), current, aHostileCheckpoint(2, 'waiting')],
      current,
      requires: ['meetingDate', 'resolutionNumber'],
      formAction: `/approvals/x${HOSTILE}`,
      antiForgeryToken: `tok${HOSTILE}`,
      expiresAt: `${HOSTILE}expiresAt`,
    });
    const { body } = renderApprovalPage(view);
    expectEscaped(body);
    expect(body).toContain(`<h1>${escapeHtml(HOSTILE)}title</h1>`);
    expect(body).toContain(`action="/approvals/x${escapeHtml(HOSTILE)}"`);
    expect(body).toContain(`name="antiForgery" value="tok${escapeHtml(HOSTILE)}"`);
    expect(body).toContain(`${escapeHtml(HOSTILE)}cp0.comment`);
    expect(scriptFreeProblems(body)).toEqual([]);
  });

  it('is pure: a frozen view renders, twice the same', () => {
    const view = deepFreeze(aView({ requires: ['meetingDate'] }));
    expect(renderApprovalPage(view)).toEqual(renderApprovalPage(view));
  });

  it('says who decides, on whose behalf, and when the link expires', () => {
    const current = aPendingCheckpoint({ onBehalfOf: { name: 'Pat Gray', email: 'pat@sample-city.example' } });
    const { body } = renderApprovalPage(aView({ current }));
    expect(body).toContain('You are deciding as <strong>Purchasing Agent</strong>: Chris Lee on behalf of Pat Gray.');
    expect(body).toContain('This link expires on <time datetime="2027-01-11T17:00:00.000Z">11 Jan 2027, 17:00 UTC</time>');
  });
});

describe('renderDecisionRecordedPage', () => {
  it('confirms the decision, who and when, and what happens next, with no form and no link', () => {
    const page = renderDecisionRecordedPage({ request: aRequest(), decision: 'reject', decidedAt: '2027-01-05T09:00:00Z', by: 'Chris Lee', nextStep: 'Ana Ruiz is told the request was rejected.' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Rejected by Chris Lee on <time datetime="2027-01-05T09:00:00Z">5 Jan 2027, 09:00 UTC</time>');
    expect(page.body).toContain('Ana Ruiz is told the request was rejected.');
    expect(page.body).not.toContain('<form');
    expect(page.body).not.toContain('<a ');
  });

  it('escapes its arguments', () => {
    const { body } = renderDecisionRecordedPage({ request: aHostileRequest(), decision: 'approve', decidedAt: HOSTILE, by: HOSTILE, nextStep: HOSTILE });
    expectEscaped(body);
    expect(scriptFreeProblems(body)).toEqual([]);
  });
});

describe('renderAlreadyDecidedPage', () => {
  it('answers 409 naming who decided and when', () => {
    const page = renderAlreadyDecidedPage({ request: aRequest(), decision: 'rejected', by: 'Chris Lee', at: '2027-01-05T09:00:00Z' });
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('This was already rejected by Chris Lee on <time datetime="2027-01-05T09:00:00Z">5 Jan 2027, 09:00 UTC</time>.');
    expect(page.body).not.toContain('<form');
  });

  it.each(['cancelled', 'expired', 'APPROVED'])('words "%s" without who or when', (decision) => {
    const page = renderAlreadyDecidedPage({ request: aRequest(), decision });
    expect(page.body).toContain(`This was already ${decision.toLowerCase()}.`);
  });

  it('escapes its arguments', () => {
    const { body } = renderAlreadyDecidedPage({ request: aHostileRequest(), decision: HOSTILE, by: HOSTILE, at: HOSTILE });
    expectEscaped(body);
  });
});

describe('renderExpiredPage', () => {
  it('answers 410 with the expiry, with or without the request', () => {
    const withRequest = renderExpiredPage({ request: aRequest(), expiredAt: '2027-01-11T17:00:00Z' });
    expect(withRequest.statusCode).toBe(410);
    expect(withRequest.body).toContain('This link expired on <time datetime="2027-01-11T17:00:00Z">11 Jan 2027, 17:00 UTC</time>.');
    expect(withRequest.body).toContain('Handheld ticket writers');
    const alone = renderExpiredPage({ expiredAt: '2027-01-11T17:00:00Z' });
    expect(alone.statusCode).toBe(410);
    expect(alone.body).not.toContain('<form');
  });

  it('escapes its arguments', () => {
    expectEscaped(renderExpiredPage({ request: aHostileRequest(), expiredAt: HOSTILE }).body);
  });
});

describe('renderNotFoundPage', () => {
  it('answers 404 and reveals nothing: the same bytes whatever was asked', () => {
    const page = renderNotFoundPage();
    expect(page.statusCode).toBe(404);
    expect(page).toEqual(renderNotFoundPage());
    expect(page.body).not.toMatch(/expired|decided|approved|rejected|request id/i);
  });
});

describe('renderFormErrorPage', () => {
  it('re-renders the form with the error beside the comment and what the person typed kept', () => {
    const view = aView({ antiForgeryToken: 'fresh-token' });
    const page = renderFormErrorPage({
      statusCode: 400,
      message: 'A reason is required to reject.',
      fields: [{ field: 'comment', message: 'Say why you reject' }],
      view,
      values: { comment: 'Too <expensive> & late' },
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/<div class="error" role="alert"[^>]*>\n<h2 id="error-heading">Please correct the form<\/h2>\n<p>A reason is required to reject\.<\/p>/);
    expect(page.body).toContain('<li><a href="#comment">Comment: Say why you reject</a></li>');
    expect(page.body).toContain('<p class="field-error" id="comment-error">');
    expect(page.body).toMatch(/<textarea id="comment" name="comment"[^>]* aria-invalid="true" aria-describedby="comment-hint comment-error">Too &lt;expensive&gt; &amp; late<\/textarea>/);
    expect(page.body).toContain('name="antiForgery" value="fresh-token"');
    expect(page.body).toMatch(/<title>Error: /);
  });

  it('names a server failure as ours, not the person\'s', () => {
    const page = renderFormErrorPage({ statusCode: 500, message: 'Please try the link again in a minute.' });
    expect(page.statusCode).toBe(500);
    expect(page.body).toContain('<h1>Something went wrong on our side</h1>');
  });

  it('keeps the comment from view.current.comment when no values are passed', () => {
    const view = aView({ current: aPendingCheckpoint({ comment: 'typed before' }) });
    const page = renderFormErrorPage({ statusCode: 403, message: 'The form is out of date; please try again.', view });
    expect(page.statusCode).toBe(403);
    expect(page.body).toMatch(/<textarea[^>]*>typed before<\/textarea>/);
  });

  it('keeps at most the comment length the form allows (a 413 may carry far more)', () => {
    const page = renderFormErrorPage({ statusCode: 413, message: 'Too large', view: aView(), values: { comment: 'x'.repeat(COMMENT_MAX_LENGTH * 50) } });
    expect(page.statusCode).toBe(413);
    const kept = /<textarea[^>]*>(x*)<\/textarea>/.exec(page.body)![1]!;
    expect(kept).toHaveLength(COMMENT_MAX_LENGTH);
  });

  it('keeps council fields and marks them invalid', () => {
    const view = aView({ requires: ['meetingDate', 'resolutionNumber'] });
    const page = renderFormErrorPage({
      statusCode: 400,
      message: 'The clerk records the meeting.',
      fields: [{ field: 'resolutionNumber', message: 'Required to approve' }],
      view,
      values: { meetingDate: '2027-01-20', resolutionNumber: '' },
    });
    expect(page.body).toMatch(/name="meetingDate" value="2027-01-20"/);
    expect(page.body).toMatch(/name="resolutionNumber" value=""[^>]* aria-invalid="true" aria-describedby="resolutionNumber-error">/);
  });

  it.each([400, 403, 413, 415, 500] as const)('without a view answers %i with the message and fields, no form', (statusCode) => {
    const page = renderFormErrorPage({ statusCode, message: 'Could not accept this.', fields: [{ field: 'decision', message: 'must be approve or reject' }] });
    expect(page.statusCode).toBe(statusCode);
    expect(page.body).toContain('Could not accept this.');
    expect(page.body).toContain('<li>Decision: must be approve or reject</li>');
    expect(page.body).not.toContain('<form');
  });

  it('escapes message, fields, values and the view', () => {
    const current = aHostileCheckpoint(0, 'pending');
    const view = aView({ request: aHostileRequest(), current, checkpoints: [current], requires: ['meetingDate', 'resolutionNumber'] });
    const { body } = renderFormErrorPage({
      statusCode: 400,
      message: HOSTILE,
      fields: [{ field: HOSTILE, message: HOSTILE }, { field: 'comment', message: HOSTILE }],
      view,
      values: { comment: HOSTILE, meetingDate: HOSTILE, resolutionNumber: HOSTILE },
    });
    expectEscaped(body);
    expect(scriptFreeProblems(body)).toEqual([]);
  });
});

describe('a decided checkpoint in history', () => {
  it('shows the council meeting and resolution the clerk recorded', () => {
    const council = aDecidedCheckpoint({ index: 0, role: 'city-council', roleTitle: 'City Council', onBehalfOf: undefined, decidedBy: 'Kim Clerk', meetingDate: '2027-01-20', resolutionNumber: 'R-2027-014' });
    const { body } = renderApprovalPage(aView({ checkpoints: [council, aPendingCheckpoint()] }));
    expect(body).toContain('Approved by Kim Clerk on 4 Jan 2027, 15:30 UTC');
    expect(body).toContain('meeting of 20 Jan 2027, resolution R-2027-014');
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
