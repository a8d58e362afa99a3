/**
 * Step-up: a policy may say that above an amount an approval link alone does not decide; the
 * approver must be signed in as the link's recipient. Off by default (the shipped policies).
 */
import sampleCityJson from '../../../policies/sample-city.json';
import { decideApproval, openApprovalPage } from '../../../lambdas/app/decide';
import type { Deps } from '../../../lambdas/app/deps';
import { createPolicyRegistry } from '../../../lambdas/domain';
import { issueAntiForgery, newApprovalId } from '../../../lambdas/app/tokens';
import type { CheckpointRecord, RequestRecord } from '../../../lambdas/store/records';
import { request } from '../domain/helpers';

const NOW = new Date('2026-12-01T10:00:00Z');
const SECRET = Buffer.alloc(32, 5);
const DANA = { name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example' };
const JORDAN = { name: 'Jordan Blake', email: 'jordan.blake@sample-city.example' };

/** sample-city with step-up above $10,000. */
const stepUpCity = { ...structuredClone(sampleCityJson), id: 'step-up-city', approvals: { signInRequiredAbove: 10000 } };
const policies = createPolicyRegistry({ extra: [stepUpCity] });

const setup = (policy: string, amount: number) => {
  const approvalId = newApprovalId();
  const record: RequestRecord = { id: 'R1', submittedAt: NOW.toISOString(), updatedAt: NOW.toISOString(), status: 'PENDING_APPROVAL', request: request({ amount, policy }) };
  const checkpoint = {
    requestId: 'R1', index: 0, role: 'department-head', roleTitle: 'Department Head', approver: DANA,
    escalation: { name: 'Morgan Hale', email: 'morgan.hale@sample-city.example' }, reason: 'required', citation: 'policy',
    state: 'pending', deadlines: { remindAt: '2026-12-03T00:00:00Z', escalateAt: '2026-12-05T00:00:00Z', expireAt: '2026-12-09T00:00:00Z' },
  } as CheckpointRecord;
  const decided: unknown[] = [];
  const deps = {
    approvals: {
      getLink: async (id: string) => (id === approvalId ? { approvalId, requestId: 'R1', index: 0, recipient: DANA, kind: 'primary', createdAt: NOW.toISOString() } : undefined),
      getCallback: async () => undefined,
    },
    requests: {
      getWithCheckpoints: async () => ({ request: record, checkpoints: [checkpoint] }),
      decideCheckpoint: async (...args: unknown[]) => { decided.push(args); return true; },
      settle: async () => true,
      pendingAudit: async () => ({ items: [], head: undefined }),
    },
    audit: {},
    workflow: {},
    linkSecret: async () => SECRET,
    clock: () => NOW,
    policies,
  } as unknown as Pick<Deps, 'approvals' | 'requests' | 'audit' | 'workflow' | 'linkSecret' | 'clock' | 'policies'>;
  return { approvalId, deps, decided };
};

test('off by default: the shipped policy decides by the link alone at any amount', async () => {
  const { approvalId, deps } = setup('sample-city', 2_000_000);
  expect((await openApprovalPage(deps, approvalId, '/prod')).kind).toBe('open');
});

test('at or below the amount, the link alone decides', async () => {
  const { approvalId, deps } = setup('step-up-city', 10000);
  expect((await openApprovalPage(deps, approvalId, '')).kind).toBe('open');
});

test('above it, the page asks to sign in, with the way back kept out of any URL', async () => {
  const { approvalId, deps } = setup('step-up-city', 10000.01);
  const result = await openApprovalPage(deps, approvalId, '/prod');
  expect(result).toMatchObject({ kind: 'sign-in-required', approver: 'Dana Ortiz', threshold: '$10,000.00', formActionBase: '/prod', approvalPath: `/approvals/${approvalId}` });
});

test('above it, a decision without a sign-in records nothing; signed in as the recipient it is recorded; as someone else it is refused', async () => {
  const { approvalId, deps, decided } = setup('step-up-city', 15000);
  const form = { decision: 'approve', antiForgery: issueAntiForgery(SECRET, approvalId, NOW) };
  expect((await decideApproval(deps, approvalId, form, '')).kind).toBe('sign-in-required');
  expect((await decideApproval(deps, approvalId, form, '', JORDAN)).kind).toBe('forbidden');
  expect(decided).toEqual([]);
  expect((await decideApproval(deps, approvalId, form, '', DANA)).kind).toBe('recorded');
  expect(decided).toHaveLength(1);
});

test('the setting is validated like every policy amount', () => {
  expect(() => createPolicyRegistry({ extra: [{ ...stepUpCity, id: 'bad-step-up', approvals: { signInRequiredAbove: -1 } }] })).toThrow();
  expect(() => createPolicyRegistry({ extra: [{ ...stepUpCity, id: 'bad-step-up', approvals: { signInRequiredAbove: 10.001 } }] })).toThrow();
});
