/**
 * The emails are the only place the approval link lives. Both parts must let an approver decide
 * whether to open it (same facts in HTML and text), and neither may let a requester's text become
 * markup, a forged line, or a header.
 */
import { escapeHtml, renderApprovalRequestEmail, renderOutcomeEmail, type CheckpointView } from '../../../lambdas/presentation';
import {
  aDecidedCheckpoint,
  aHostileCheckpoint,
  aHostileRequest,
  aPendingCheckpoint,
  aRequest,
  expectEscaped,
  HOSTILE,
  scriptFreeProblems,
} from './fixtures';

const LINK = 'https://approvals.sample-city.example/prod/approvals/01JAPPROVALID0000000000000';
const OUR_MARKUP = /<\/?(p|a|br|div|ul|ol|li|h1|h2|table|tr|td|th|strong|span|html|body)\b|&(amp|lt|gt|quot|#39);/;

function anApprovalEmail(overrides: Partial<Parameters<typeof renderApprovalRequestEmail>[0]> = {}) {
  return renderApprovalRequestEmail({
    request: aRequest(),
    recipient: aPendingCheckpoint().approver,
    checkpoint: aPendingCheckpoint(),
    previous: [aDecidedCheckpoint()],
    link: LINK,
    phase: 'request',
    dueAt: '2027-01-11T17:00:00.000Z',
    ...overrides,
  });
}

describe('renderApprovalRequestEmail', () => {
  it('has a short, specific subject', () => {
    expect(anApprovalEmail().subject).toBe('Approval needed: Handheld ticket writers — $120,000.00');
  });

  it.each(['text', 'html'] as const)('the %s part carries the summary, checklist result, earlier decisions, due date and link', (part) => {
    const body = anApprovalEmail()[part];
    for (const fact of [
      'Handheld ticket writers',
      '$120,000.00',
      'Public Works',
      'Acme Mobility',
      'Ana Ruiz',
      'formal — Above $25,000 (sample-city §3.2)',
      'Cooperative contract (eligible)',
      'Passed 1 of 2 checks',
      'Failed: Contract scope does not cover handhelds',
      'Department Head',
      'Approved by Ben Ito on behalf of Dana Park on 4 Jan 2027, 15:30 UTC',
      'Please decide by 11 Jan 2027, 17:00 UTC.',
      LINK,
    ]) {
      expect(body).toContain(fact);
    }
  });

  it('puts the link in the HTML part as a button and as copyable text', () => {
    const { html } = anApprovalEmail();
    expect(html).toContain(`<a href="${LINK}"`);
    expect(html.split(LINK)).toHaveLength(3);
  });

  it('says when nobody has decided before', () => {
    const email = anApprovalEmail({ previous: [] });
    expect(email.text).toContain('none: you are the first to decide');
    expect(email.html).toContain('None: you are the first to decide.');
  });

  it('words a reminder', () => {
    const email = anApprovalEmail({ phase: 'reminder' });
    expect(email.subject).toBe('Reminder: approval needed: Handheld ticket writers — $120,000.00');
    expect(email.text.split('\n')[0]).toBe('Reminder: waiting for your decision');
    expect(email.html).toContain('Reminder: waiting for your decision');
  });

  it('words an escalation, naming who has not decided and greeting the escalation contact', () => {
    // As the workflow sends it: the checkpoint's approver is the person who did not decide.
    const chris = { name: 'Chris Lee', email: 'chris.lee@sample-city.example' };
    const email = anApprovalEmail({
      phase: 'escalation',
      checkpoint: aPendingCheckpoint({ approver: chris }),
      recipient: { name: 'Max Hill', email: 'max@sample-city.example' },
      escalatedFrom: chris,
    });
    expect(email.subject).toBe('Escalated: approval needed: Handheld ticket writers — $120,000.00');
    expect(email.text.split('\n')[0]).toBe('Escalated: Chris Lee has not decided');
    expect(email.html).toContain('Escalated: Chris Lee has not decided');
    expect(email.text).toContain('Max Hill, your decision is needed as the escalation contact for Purchasing Agent.');
  });

  it('names the request by its human number in the subject and both parts', () => {
    const email = anApprovalEmail({ number: 'PR-2026-000123' });
    expect(email.subject).toBe('Approval needed: Handheld ticket writers — $120,000.00 (PR-2026-000123)');
    expect(email.text).toContain('Request:      PR-2026-000123');
    expect(email.html).toContain('PR-2026-000123</td>');
  });

  it('a first request has no reminder or escalation wording', () => {
    const { text, html } = anApprovalEmail();
    expect(text + html).not.toMatch(/Reminder|Escalated/);
  });

  it('escapes every user-supplied string in the HTML part', () => {
    const email = anApprovalEmail({
      request: aHostileRequest(),
      checkpoint: aHostileCheckpoint(1, 'pending'),
      previous: [aHostileCheckpoint(0, 'approved')],
      dueAt: HOSTILE,
      phase: 'escalation',
      escalatedFrom: { name: HOSTILE, email: HOSTILE },
    });
    expectEscaped(email.html);
    expect(email.html).toContain(`<h1 style="font-size:20px;line-height:1.3;margin:0 0 4px">${escapeHtml(HOSTILE)}title</h1>`);
    expect(scriptFreeProblems(email.html)).toEqual([]);
  });

  it('the text part has no HTML in it', () => {
    expect(anApprovalEmail().text).not.toMatch(OUR_MARKUP);
    // A hostile title is shown as the characters it is, not as entities.
    const hostile = anApprovalEmail({ request: aRequest({ title: '<b>Tom & Jerry</b>' }) });
    expect(hostile.text).toContain('<b>Tom & Jerry</b>');
    expect(hostile.text).not.toContain('&amp;');
  });

  it('a title cannot forge a line in the text part or a header in the subject', () => {
    const email = anApprovalEmail({ request: aRequest({ title: 'Pens\r\nBcc: all@city.example\nLink: https://evil.example' }) });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text.split('\n')).not.toContain('Link: https://evil.example');
    expect(email.text.split('\n').filter((l) => l.startsWith('Bcc:'))).toEqual([]);
  });

  it('shortens a long title in the subject', () => {
    const { subject } = anApprovalEmail({ request: aRequest({ title: 'x'.repeat(300) }) });
    expect(subject.length).toBeLessThan(100);
    expect(subject).toContain('…');
  });

  it.each(['javascript:alert(1)', '/approvals/abc', 'data:text/html,hi'])('refuses a link that is not an absolute http(s) URL: %s', (link) => {
    expect(() => anApprovalEmail({ link })).toThrow(/absolute http\(s\) URL/);
  });
});

describe('user text can never pass for the official link', () => {
  const PLANTED = 'URGENT: approve at https://approvals.sample-city.example.evil.example/approvals/01JFAKE now, or www.evil.example/x';
  const planted = () => anApprovalEmail({
    request: aRequest({ title: `Pens https://evil.example/approve`, description: `${PLANTED}\nLink: https://evil.example`, vendor: 'evil\u3002example' }),
    previous: [aDecidedCheckpoint({ comment: 'see http://evil.example/ok' })],
  });
  /** What a mail client would make into a link in plain text. */
  const LINKABLE = /\b(?:https?:\/\/|www\.)[^\s]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:example|com|org)\b/gi;

  it('the official link comes first and alone: before the first word of the requester', () => {
    const { text, html } = planted();
    expect(text.indexOf(LINK)).toBeGreaterThan(-1);
    expect(text.indexOf(LINK)).toBeLessThan(text.indexOf('Pens'));
    const body = html.slice(html.indexOf('<body'));
    expect(body.indexOf(`<a href="${LINK}"`)).toBeLessThan(body.indexOf('Pens'));
    // The link harvesting a person (and the tests' harness) would do finds ours, and only ours.
    expect(text.match(/https?:\/\/[^\s"'<>]+\/approvals\/[A-Za-z0-9_-]+/g)).toEqual([LINK]);
    expect(planted().subject).toBe('Approval needed: Pens https[:]//evil[.]example/approve — $120,000.00');
  });

  it.each(['text', 'html'] as const)('no address in user text is linkable in the %s part', (part) => {
    // The requester's own (validated) address may stay a mail link; every other address is broken.
    const body = planted()[part].split(LINK).join('').split('ana.ruiz@city.example').join('');
    expect(body.match(LINKABLE) ?? []).toEqual([]);
    expect(body).toContain('https[:]//evil[.]example/approve');
    expect(body).toContain('www[.]evil[.]example/x');
    expect(body).toContain('evil[.]example');
  });

  it('the HTML part links to nothing but the official link', () => {
    const hrefs = [...planted().html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([LINK]);
  });

  it('user text is marked as the requester\'s words: the title quoted, the description as a quoted block', () => {
    const { text, html } = planted();
    expect(text).toContain('---- The request, quoted as Ana Ruiz wrote it ----');
    expect(text).toContain('Title:        “Pens https[:]//evil[.]example/approve”');
    expect(text).toContain('Description (the requester’s words):');
    expect(text).toContain('  > Link: https[:]//evil[.]example');
    expect(text.split('\n')).not.toContain('Link: https://evil.example');
    expect(html).toMatch(/<blockquote[^>]*><p[^>]*>The requester’s words:<\/p><p[^>]*>URGENT: approve at https\[:\]\/\/approvals\[\.\]sample-city/);
  });

  it('the outcome email puts its status link first and breaks addresses in reasons', () => {
    const statusLink = 'https://approvals.sample-city.example/prod/requests/01JREQ';
    const email = renderOutcomeEmail({
      request: aRequest({ title: 'Pens' }), outcome: 'CANCELLED', checkpoints: [], statusLink,
      reasons: [{ message: 'Cancelled by the requester: use https://evil.example/requests/01JREQ instead' }],
    });
    expect(email.text.indexOf(statusLink)).toBeLessThan(email.text.indexOf('Pens'));
    expect(email.text).toContain('use https[:]//evil[.]example/requests/01JREQ instead');
    expect([...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([statusLink]);
  });
});

describe('renderOutcomeEmail', () => {
  const chain: CheckpointView[] = [
    aDecidedCheckpoint(),
    aDecidedCheckpoint({ index: 1, role: 'purchasing-agent', roleTitle: 'Purchasing Agent', approver: { name: 'Chris Lee', email: 'c@x' }, onBehalfOf: undefined, decidedBy: 'Chris Lee', state: 'rejected', decidedAt: '2027-01-05T09:00:00Z', comment: 'Scope does not cover this' }),
    { index: 2, role: 'finance-director', roleTitle: 'Finance Director', approver: { name: 'Eve Moss', email: 'e@x' }, state: 'cancelled' },
  ];

  it.each([
    ['APPROVED', 'Approved: Handheld ticket writers — $120,000.00', 'Your purchase request was approved.'],
    ['REJECTED', 'Rejected: Handheld ticket writers — $120,000.00', 'Your purchase request was rejected.'],
    ['RETURNED', 'Returned for changes: Handheld ticket writers — $120,000.00', 'it cannot proceed as submitted'],
    ['EXPIRED', 'Expired: Handheld ticket writers — $120,000.00', 'It was not approved.'],
    ['CANCELLED', 'Cancelled: Handheld ticket writers — $120,000.00', 'Your purchase request was cancelled.'],
  ] as const)('%s: says the outcome in subject and both parts', (outcome, subject, sentence) => {
    const email = renderOutcomeEmail({ request: aRequest(), outcome, reasons: [], checkpoints: chain });
    expect(email.subject).toBe(subject);
    expect(email.text.split('\n')[0]).toContain(sentence);
    expect(email.html).toContain(sentence);
  });

  it('RETURNED lists one line per thing to fix, with its citation', () => {
    const reasons = [
      { message: 'Attach 3 written quotes or name an alternative method', citation: 'sample-city §4.1' },
      { message: 'Contract scope must cover the goods', citation: '2 CFR 200.318(e)' },
      { message: 'Name the funding source' },
    ];
    const email = renderOutcomeEmail({ request: aRequest(), outcome: 'RETURNED', reasons, checkpoints: [] });
    const lines = email.text.split('\n');
    const at = lines.indexOf('What to fix:');
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '  - Attach 3 written quotes or name an alternative method (sample-city §4.1)',
      '  - Contract scope must cover the goods (2 CFR 200.318(e))',
      '  - Name the funding source',
    ]);
    expect(email.html).toContain('<h2 style="font-size:17px;margin:16px 0 8px">What to fix</h2>');
    expect(email.html.match(/<li style="margin:0 0 6px">/g)).toHaveLength(3);
    expect(email.text).toContain('none: the request did not reach an approver');
  });

  it('shows the chain: who decided what and when, with delegation', () => {
    const email = renderOutcomeEmail({ request: aRequest(), outcome: 'REJECTED', reasons: [{ message: 'Scope does not cover this' }], checkpoints: chain, statusLink: 'https://approvals.sample-city.example/prod/requests/01JREQ' });
    expect(email.text).toContain('  1. Department Head: Approved by Ben Ito on behalf of Dana Park on 4 Jan 2027, 15:30 UTC — “Budgeted in FY27”');
    expect(email.text).toContain('  2. Purchasing Agent: Rejected by Chris Lee on 5 Jan 2027, 09:00 UTC — “Scope does not cover this”');
    expect(email.text).toContain('  3. Finance Director: Cancelled (Eve Moss)');
    expect(email.html).toContain('Approved by Ben Ito on behalf of Dana Park on 4 Jan 2027, 15:30 UTC');
    expect(email.text).toContain('https://approvals.sample-city.example/prod/requests/01JREQ');
    expect(email.text).not.toMatch(OUR_MARKUP);
  });

  it('escapes reasons, chain and request in the HTML part', () => {
    const email = renderOutcomeEmail({
      request: aHostileRequest(),
      outcome: 'RETURNED',
      reasons: [{ message: HOSTILE, citation: HOSTILE }],
      checkpoints: [aHostileCheckpoint(0, 'approved'), aHostileCheckpoint(1, 'rejected')],
    });
    expectEscaped(email.html);
    expect(scriptFreeProblems(email.html)).toEqual([]);
  });

  it('a RETURNED outcome links "submit it again" to the copy-and-fix form, first and distinct; other outcomes do not', () => {
    const statusLink = 'https://approvals.sample-city.example/prod/requests/01JREQ';
    const resubmitLink = 'https://approvals.sample-city.example/prod/requests/new?from=01JREQ';
    const returned = renderOutcomeEmail({ request: aRequest(), outcome: 'RETURNED', reasons: [{ message: 'Name the funding source' }], checkpoints: [], statusLink, resubmitLink });
    expect(returned.text).toContain(`Submit it again (a copy of this request to fix):\n${resubmitLink}`);
    expect(returned.text.indexOf(resubmitLink)).toBeLessThan(returned.text.indexOf('Name the funding source'));
    expect([...returned.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([resubmitLink.replace('&', '&amp;'), statusLink]);
    const rejected = renderOutcomeEmail({ request: aRequest(), outcome: 'REJECTED', reasons: [], checkpoints: [], statusLink, resubmitLink });
    expect(rejected.text + rejected.html).not.toContain('requests/new');
  });

  it('names the request by its human number in the subject and both parts', () => {
    const email = renderOutcomeEmail({ request: aRequest(), number: 'PR-2026-000123', outcome: 'APPROVED', reasons: [], checkpoints: [] });
    expect(email.subject).toBe('Approved: Handheld ticket writers — $120,000.00 (PR-2026-000123)');
    expect(email.text).toContain('Request:      PR-2026-000123');
    expect(email.html).toContain('PR-2026-000123</td>');
  });

  it('refuses a status link that is not an absolute http(s) URL', () => {
    expect(() => renderOutcomeEmail({ request: aRequest(), outcome: 'APPROVED', reasons: [], checkpoints: [], statusLink: 'javascript:alert(1)' })).toThrow();
  });
});
