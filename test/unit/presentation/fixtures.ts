/** View models and checks shared by the presentation specs (not a spec itself: no `.test.ts`). */
import type { ApprovalPageView, CheckpointView, RequestSummary } from '../../../lambdas/presentation';

/** Breaks out of element content, of both attribute quote styles, and tries an event handler. */
export const HOSTILE = `<script>alert(1)</script>"'><img src=x onerror=alert(1)>&amp;`;

export function aRequest(overrides: Partial<RequestSummary> = {}): RequestSummary {
  return {
    id: '01JREQ0000000000000000000A',
    title: 'Handheld ticket writers',
    description: 'Replace 40 handhelds for parking enforcement',
    department: 'Public Works',
    requester: { name: 'Ana Ruiz', email: 'ana.ruiz@city.example' },
    amount: '$120,000.00',
    category: 'goods',
    vendor: 'Acme Mobility',
    fundingSource: 'local',
    neededBy: '2027-03-01',
    status: 'PENDING_APPROVAL',
    tier: { id: 'formal', reason: 'Above $25,000', citation: 'sample-city §3.2' },
    method: {
      type: 'cooperative',
      eligible: true,
      checks: [
        { id: 'contract-active', passed: true, detail: 'Contract 01-97 is active until 2028-06-30', citation: 'PCC §20118' },
        { id: 'scope-covers', passed: false, detail: 'Contract scope does not cover handhelds', citation: '2 CFR 200.318(e)' },
      ],
    },
    flags: [{ type: 'split-suspected', detail: 'Two orders to Acme Mobility within 90 days total $130,000.00' }],
    ...overrides,
  };
}

export function aDecidedCheckpoint(overrides: Partial<CheckpointView> = {}): CheckpointView {
  return {
    index: 0,
    role: 'department-head',
    roleTitle: 'Department Head',
    approver: { name: 'Ben Ito', email: 'ben.ito@sample-city.example' },
    onBehalfOf: { name: 'Dana Park', email: 'dana.park@sample-city.example' },
    state: 'approved',
    decidedAt: '2027-01-04T15:30:00.000Z',
    decidedBy: 'Ben Ito',
    comment: 'Budgeted in FY27',
    ...overrides,
  };
}

export function aPendingCheckpoint(overrides: Partial<CheckpointView> = {}): CheckpointView {
  return {
    index: 1,
    role: 'purchasing-agent',
    roleTitle: 'Purchasing Agent',
    approver: { name: 'Chris Lee', email: 'chris.lee@sample-city.example' },
    state: 'pending',
    ...overrides,
  };
}

export function aView(overrides: Partial<ApprovalPageView> = {}): ApprovalPageView {
  const current = overrides.current ?? aPendingCheckpoint();
  return {
    request: aRequest(),
    checkpoints: [
      aDecidedCheckpoint(),
      current,
      { index: 2, role: 'finance-director', roleTitle: 'Finance Director', approver: { name: 'Eve Moss', email: 'eve@sample-city.example' }, state: 'waiting' },
    ],
    current,
    requires: [],
    formAction: '/prod/approvals/01JAPPROVALID0000000000000',
    antiForgeryToken: 'af.0123456789abcdef.signature',
    expiresAt: '2027-01-11T17:00:00.000Z',
    ...overrides,
  };
}

/** Every string in a request replaced by a hostile one (tagged by field, to find it again). */
export function aHostileRequest(): RequestSummary {
  const h = (field: string) => `${HOSTILE}${field}`;
  return {
    id: h('id'),
    title: h('title'),
    description: h('description'),
    department: h('department'),
    requester: { name: h('requester.name'), email: h('requester.email') },
    amount: h('amount'),
    category: h('category'),
    vendor: h('vendor'),
    fundingSource: h('fundingSource'),
    neededBy: h('neededBy'),
    status: h('status'),
    tier: { id: h('tier.id'), reason: h('tier.reason'), citation: h('tier.citation') },
    method: {
      type: h('method.type'),
      eligible: false,
      checks: [
        { id: h('check.id'), passed: false, detail: h('check.detail'), citation: h('check.citation') },
        { id: h('check2.id'), passed: true, detail: h('check2.detail'), citation: h('check2.citation') },
      ],
    },
    flags: [{ type: h('flag.type'), detail: h('flag.detail') }],
  };
}

export function aHostileCheckpoint(index: number, state: CheckpointView['state']): CheckpointView {
  const h = (field: string) => `${HOSTILE}cp${index}.${field}`;
  return {
    index,
    role: h('role'),
    roleTitle: h('roleTitle'),
    approver: { name: h('approver.name'), email: h('approver.email') },
    onBehalfOf: { name: h('onBehalfOf.name'), email: h('onBehalfOf.email') },
    state,
    decidedAt: h('decidedAt'),
    decidedBy: h('decidedBy'),
    comment: h('comment'),
    meetingDate: h('meetingDate'),
    resolutionNumber: h('resolutionNumber'),
  };
}

/** The markup escapes to: nothing hostile survives as markup, and the text is still shown. */
export function expectEscaped(markup: string): void {
  expect(markup).not.toContain('<script');
  expect(markup).not.toContain('<img');
  expect(markup).not.toMatch(/"'>/);
  expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;');
}

/** Every start tag in the markup (escaped text never contains a raw "<", so this sees only markup). */
export function tags(markup: string): string[] {
  return markup.match(/<[a-zA-Z][^>]*>/g) ?? [];
}

/**
 * Script-free: no script element, no event-handler attribute, no javascript: URL, nothing loaded.
 * Attribute names are judged with the quoted values taken out (escaped text in a value may say
 * "onerror=" harmlessly); URL-bearing values are judged by their scheme.
 */
export function scriptFreeProblems(markup: string): string[] {
  const problems: string[] = [];
  if (/<script/i.test(markup)) problems.push('has a <script');
  for (const tag of tags(markup)) {
    const names = tag.replace(/"[^"]*"/g, '""');
    if (/'/.test(names)) problems.push(`single-quoted or unquoted attribute in ${tag}`);
    if (/\son[a-z]+\s*=/i.test(names)) problems.push(`event handler attribute in ${tag}`);
    if (/\s(src|srcset|background|poster)\s*=/i.test(names)) problems.push(`loads something: ${tag}`);
    if (/^<(iframe|object|embed|link|base|img|svg|math|frame)\b/i.test(tag)) problems.push(`element not allowed: ${tag}`);
    for (const m of tag.matchAll(/\s(href|action|formaction)="([^"]*)"/gi)) {
      if (/^\s*(javascript|data|vbscript):/i.test(m[2]!)) problems.push(`script URL in ${tag}`);
    }
  }
  return problems;
}
