/**
 * The approval page's "Lines" section and the earlier requests of a split flag: shown when there
 * is something to show, absent otherwise, and every value escaped.
 */
import { renderApprovalPage } from '../../../lambdas/presentation';
import { aRequest, aView, HOSTILE } from './fixtures';

const lines = [
  { description: 'Ruggedised tablet', quantity: '12', unitPrice: '$1,450.00', total: '$17,400.00', account: '101-21-5200' },
  { description: 'Installation, hours', quantity: '2.5', unitPrice: '$95.50', total: '$238.75', account: '101-21-6100' },
];

describe('the Lines section', () => {
  it('lists each line with quantity, unit price, total and account, then the total', () => {
    const { body } = renderApprovalPage(aView({ request: aRequest({ amount: '$17,638.75', lines }) }));
    expect(body).toContain('<h2 id="lines-heading">Lines</h2>');
    expect(body).toContain('<strong>Installation, hours</strong> 2.5 × $95.50 = $238.75');
    expect(body).toContain('Account <code>101-21-6100</code>');
    expect(body).toContain('Total of the lines: <strong>$17,638.75</strong>');
  });

  it('is absent for a request without lines', () => {
    expect(renderApprovalPage(aView({ request: aRequest({ lines: undefined }) })).body).not.toContain('lines-heading');
  });

  it('escapes what the requester typed', () => {
    const { body } = renderApprovalPage(aView({ request: aRequest({ lines: [{ ...lines[0]!, description: HOSTILE, account: HOSTILE }] }) }));
    expect(body).not.toContain('<script>');
    expect(body).toContain('&lt;script&gt;');
  });
});

describe('a split flag names the earlier requests', () => {
  it('by number (or id), amount, department and date', () => {
    const flags = [{
      type: 'split-suspected',
      detail: '2 requests from Public Works to Acme Mobility within 90 days total $27,000.00',
      earlier: [{ label: 'PR-2026-000041', amount: '$15,000.00', submittedAt: '2026-10-20T15:00:00.000Z', department: 'Public Works' }],
    }];
    const { body } = renderApprovalPage(aView({ request: aRequest({ flags }) }));
    expect(body).toMatch(/<ul class="earlier" aria-label="Earlier requests"><li><strong>PR-2026-000041<\/strong> \$15,000.00 <span class="muted">Public Works, <time datetime="2026-10-20T15:00:00.000Z">/);
  });

  it('a flag without earlier requests renders no list', () => {
    const { body } = renderApprovalPage(aView({ request: aRequest({ flags: [{ type: 'split-suspected', detail: 'x' }] }) }));
    expect(body).not.toContain('class="earlier"');
  });
});
