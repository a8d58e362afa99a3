/**
 * Approval links stay one-tap bearer credentials of their recipient, and are bound to that person:
 * a sign-in that is someone else's is refused, and a recipient who already signed another
 * checkpoint of the request cannot sign a second one.
 */
import { decideApproval, openApprovalPage } from '../../../lambdas/app/decide';
import type { Deps } from '../../../lambdas/app/deps';
import { createPolicyRegistry } from '../../../lambdas/domain';
import { issueAntiForgery, newApprovalId } from '../../../lambdas/app/tokens';
import type { CheckpointRecord, LinkRecord, RequestRecord } from '../../../lambdas/store/records';
import { request } from '../domain/helpers';

const NOW = new Date('2026-12-01T10:00:00Z');
const SECRET = Buffer.alloc(32, 3);
const DANA = { name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example' };
const JORDAN = { name: 'Jordan Blake', email: 'jordan.blake@sample-city.example' };

const checkpoint = (index: number, approver: { name: string; email: string }, over: Partial<CheckpointRecord> = {}): CheckpointRecord => ({
  requestId: 'R1', index, role: index === 0 ? 'department-head' : 'purchasing-agent', roleTitle: index === 0 ? 'Department Head' : 'Purchasing Agent',
  approver, escalation: { name: 'Morgan Hale', email: 'morgan.hale@sample-city.example' }, reason: 'required', citation: 'policy',
  state: 'pending', deadlines: { remindAt: '2026-12-03T00:00:00Z', escalateAt: '2026-12-05T00:00:00Z', expireAt: '2026-12-09T00:00:00Z' },
  ...over,
} as CheckpointRecord);

const setup = (link: Omit<LinkRecord, 'approvalId'>, checkpoints: CheckpointRecord[]) => {
  const approvalId = newApprovalId();
  const record: RequestRecord = { id: 'R1', submittedAt: NOW.toISOString(), updatedAt: NOW.toISOString(), status: 'PENDING_APPROVAL', request: request({ amount: 12000 }) };
  const decided: unknown[] = [];
  const deps = {
    approvals: { getLink: async (id: string) => (id === approvalId ? { ...link, approvalId } : undefined), getCallback: async () => undefined },
    requests: {
      getWithCheckpoints: async () => ({ request: record, checkpoints }),
      decideCheckpoint: async (...args: unknown[]) => { decided.push(args); return true; },
      settle: async () => true,
      pendingAudit: async () => ({ items: [], head: undefined }),
    },
    audit: {},
    workflow: {},
    linkSecret: async () => SECRET,
    clock: () => NOW,
    policies: createPolicyRegistry(),
  } as unknown as Pick<Deps, 'approvals' | 'requests' | 'audit' | 'workflow' | 'linkSecret' | 'clock' | 'policies'>;
  return { approvalId, deps, decided };
};

const primaryLink = { requestId: 'R1', index: 0, recipient: DANA, kind: 'primary' as const, createdAt: NOW.toISOString() };

describe('a sign-in on an approval link must be its recipient\'s', () => {
  test.each([
    ['no sign-in (the one-tap link)', undefined, 'open'],
    ['the recipient', DANA, 'open'],
    ['the recipient under a +tag alias, other case', { name: 'Dana Ortiz', email: 'DANA.ORTIZ+phone@sample-city.example' }, 'open'],
    ['someone else', JORDAN, 'forbidden'],
  ])('page with %s (%j) → %s', async (_name, signedIn, kind) => {
    const { approvalId, deps } = setup(primaryLink, [checkpoint(0, DANA), checkpoint(1, JORDAN, { state: 'waiting' })]);
    const result = await openApprovalPage(deps, approvalId, '', signedIn);
    expect(result.kind).toBe(kind);
    if (result.kind === 'forbidden') expect(result.message).toBe('this approval link is for Dana Ortiz, and you are signed in as Jordan Blake; sign out, or ask Dana Ortiz to open it');
  });

  test('a decision posted while signed in as someone else records nothing', async () => {
    const { approvalId, deps, decided } = setup(primaryLink, [checkpoint(0, DANA)]);
    const form = { decision: 'approve', antiForgery: issueAntiForgery(SECRET, approvalId, NOW) };
    expect((await decideApproval(deps, approvalId, form, '', JORDAN)).kind).toBe('forbidden');
    expect(decided).toEqual([]);
    expect((await decideApproval(deps, approvalId, form, '', DANA)).kind).toBe('recorded');
    expect(decided).toHaveLength(1);
  });
});

describe('one person, one signature per request, at the link too', () => {
  test('a recipient who already signed another checkpoint of the request cannot sign this one', async () => {
    const signedEarlier = checkpoint(0, DANA, {
      state: 'approved', decision: { decision: 'approve', decidedAt: NOW.toISOString(), decidedBy: { name: 'Dana Ortiz', email: 'Dana.Ortiz+x@sample-city.example' } },
    });
    const escalationLink = { requestId: 'R1', index: 1, recipient: DANA, kind: 'escalation' as const, createdAt: NOW.toISOString() };
    const { approvalId, deps, decided } = setup(escalationLink, [signedEarlier, checkpoint(1, JORDAN)]);
    const page = await openApprovalPage(deps, approvalId, '');
    expect(page).toEqual({ kind: 'forbidden', message: 'Dana Ortiz already signed this request as the Department Head; one person, one signature per request' });
    const form = { decision: 'approve', antiForgery: issueAntiForgery(SECRET, approvalId, NOW) };
    expect((await decideApproval(deps, approvalId, form, '')).kind).toBe('forbidden');
    expect(decided).toEqual([]);
  });
});
