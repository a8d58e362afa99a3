/**
 * The approval emails on a phone: the reminder and the escalation (the ones with a banner), the
 * first request and the outcome emails, each with the longest link the product sends (the default
 * execute-api address with its stage path and a 43-character approval id), fit a 390 px screen
 * without sideways scrolling, in light and dark. Rendered by Chromium from the real renderers.
 */
import type { Browser } from 'playwright-core';
import { renderApprovalRequestEmail, renderOutcomeEmail } from '../../lambdas/presentation';
import { aDecidedCheckpoint, aPendingCheckpoint, aRequest } from '../unit/presentation/fixtures';
import { browserTest, launchBrowser, openContext, scrollWidth } from './support/browser';

const it = browserTest('email-phone');
const BASE = 'https://k3x9q2w7ab.execute-api.eu-central-1.amazonaws.com/prod';
const LINK = `${BASE}/approvals/${'Zx7_Kq2xLm9'.repeat(4).slice(0, 43)}`;
const ID = '01KAZ9Y8X7W6V5T4S3R2Q1P0NM';

const approval = (phase: 'request' | 'reminder' | 'escalation') => renderApprovalRequestEmail({
  request: aRequest(),
  number: 'PR-2026-000123',
  recipient: phase === 'escalation' ? { name: 'Morgan Hale', email: 'morgan.hale@sample-city.example' } : aPendingCheckpoint().approver,
  checkpoint: aPendingCheckpoint(),
  previous: [aDecidedCheckpoint()],
  link: LINK,
  phase,
  dueAt: '2027-01-11T17:00:00.000Z',
  escalatedFrom: phase === 'escalation' ? aPendingCheckpoint().approver : undefined,
}).html;

const EMAILS: Array<[string, () => string]> = [
  ['reminder', () => approval('reminder')],
  ['escalation', () => approval('escalation')],
  ['first request', () => approval('request')],
  ['returned outcome', () => renderOutcomeEmail({
    request: aRequest(), number: 'PR-2026-000123', outcome: 'RETURNED', reasons: [{ message: 'Name the funding source' }], checkpoints: [],
    statusLink: `${BASE}/requests/${ID}`, resubmitLink: `${BASE}/requests/new?from=${ID}`,
  }).html],
];

let browser: Browser | undefined;
beforeAll(async () => { if (browserTest('email-phone') === test) browser = await launchBrowser(); }, 60_000);
afterAll(async () => { await browser?.close(); });

describe.each([false, true])('on a 390 px phone (dark: %s)', (dark) => {
  it.each(EMAILS)('the %s email fits the screen: no sideways scrolling', async (_name, render) => {
    const context = await openContext(browser!, { device: 'phone', dark });
    try {
      const page = await context.newPage();
      await page.setContent(render(), { waitUntil: 'load' });
      expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    } finally {
      await context.close();
    }
  }, 30_000);
});
