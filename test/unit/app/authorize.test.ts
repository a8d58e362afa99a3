/**
 * Every cell of the authorization table: each role (with the `requester` role every person has)
 * against each action, on the principal's own request, another person's request of the same
 * department, and a request of another department.
 */
import { ACTIONS, authorize, isOwnRequest, listScope, PERMISSIONS, type Action, type RequestOwnership } from '../../../lambdas/app/authorize';
import { ACCESS_ROLES, mailboxKey, type AccessRole, type Principal } from '../../../lambdas/app/identity';

const principal = (role: AccessRole): Principal => ({
  id: `${role}-person`, name: `The ${role}`, email: `${role}@sample-city.example`, department: 'Public Works',
  roles: role === 'requester' ? ['requester'] : ['requester', role],
});

const OWN = (p: Principal): RequestOwnership => ({ requester: { email: p.email.toUpperCase() }, department: 'Public Works' });
const SAME_DEPARTMENT: RequestOwnership = { requester: { email: 'ana.ruiz@city.example' }, department: 'Public Works' };
const OTHER_DEPARTMENT: RequestOwnership = { requester: { email: 'tom.becker@sample-city.example' }, department: 'Parks and Recreation' };

type Cell = 'allow' | 'allow if reason' | '403' | '404';
type Row = Record<'own' | 'same department' | 'other department', Cell>;

const row = (own: Cell, same: Cell, other: Cell): Row => ({ own, 'same department': same, 'other department': other });

/** Actions on one request: what each role gets on each kind of request. */
const REQUEST_ACTIONS: Record<AccessRole, Record<'read' | 'cancel' | 'resend-notification' | 'export-audit', Row>> = {
  requester: {
    read: row('allow', '404', '404'),
    cancel: row('allow', '404', '404'),
    'resend-notification': row('403', '404', '404'),
    'export-audit': row('403', '404', '404'),
  },
  'department-head': {
    read: row('allow', 'allow', '404'),
    cancel: row('allow', '403', '404'),
    'resend-notification': row('403', '403', '404'),
    'export-audit': row('403', '403', '404'),
  },
  purchasing: {
    read: row('allow', 'allow', 'allow'),
    cancel: row('allow', 'allow if reason', 'allow if reason'),
    'resend-notification': row('allow', 'allow', 'allow'),
    'export-audit': row('403', '403', '403'),
  },
  auditor: {
    read: row('allow', 'allow', 'allow'),
    cancel: row('allow', '403', '403'),
    'resend-notification': row('403', '403', '403'),
    'export-audit': row('allow', 'allow', 'allow'),
  },
  admin: {
    read: row('allow', '404', '404'),
    cancel: row('allow', '404', '404'),
    'resend-notification': row('403', '404', '404'),
    'export-audit': row('403', '404', '404'),
  },
};

/** Actions not about one request. */
const GENERAL_ACTIONS: Record<AccessRole, Record<'submit' | 'preview' | 'list' | 'manage-policy' | 'manage-people' | 'read-contracts' | 'manage-contracts', Cell>> = {
  requester: { submit: 'allow', preview: 'allow', list: 'allow', 'manage-policy': '403', 'manage-people': '403', 'read-contracts': 'allow', 'manage-contracts': '403' },
  'department-head': { submit: 'allow', preview: 'allow', list: 'allow', 'manage-policy': '403', 'manage-people': '403', 'read-contracts': 'allow', 'manage-contracts': '403' },
  purchasing: { submit: 'allow', preview: 'allow', list: 'allow', 'manage-policy': '403', 'manage-people': '403', 'read-contracts': 'allow', 'manage-contracts': 'allow' },
  auditor: { submit: 'allow', preview: 'allow', list: 'allow', 'manage-policy': '403', 'manage-people': '403', 'read-contracts': 'allow', 'manage-contracts': '403' },
  admin: { submit: 'allow', preview: 'allow', list: 'allow', 'manage-policy': 'allow', 'manage-people': 'allow', 'read-contracts': 'allow', 'manage-contracts': '403' },
};

const cellOf = (p: Principal, action: Action, request?: RequestOwnership): Cell => {
  const decision = authorize(p, action, request);
  if (!decision.allowed) return String(decision.status) as Cell;
  return decision.conditions.includes('reason-required') ? 'allow if reason' : 'allow';
};

test('the expected tables cover every role and every action', () => {
  for (const role of ACCESS_ROLES) {
    const covered = [...Object.keys(REQUEST_ACTIONS[role]), ...Object.keys(GENERAL_ACTIONS[role])].sort();
    expect(covered).toEqual([...ACTIONS].sort());
  }
  expect(Object.keys(PERMISSIONS).sort()).toEqual([...ACCESS_ROLES].sort());
});

describe.each(ACCESS_ROLES)('%s', (role) => {
  const p = principal(role);
  const cases = Object.entries(REQUEST_ACTIONS[role]).flatMap(([action, cells]) => [
    [action, 'own', OWN(p), cells.own],
    [action, 'same department', SAME_DEPARTMENT, cells['same department']],
    [action, 'other department', OTHER_DEPARTMENT, cells['other department']],
  ] as Array<[Action, string, RequestOwnership, Cell]>);

  test.each(cases)('%s on a request (%s) → %s', (action, _kind, request, expected) => {
    expect(cellOf(p, action, request)).toBe(expected);
  });

  test.each(Object.entries(GENERAL_ACTIONS[role]) as Array<[Action, Cell]>)('%s → %s', (action, expected) => {
    expect(cellOf(p, action)).toBe(expected);
  });
});

describe('what GET /requests lists', () => {
  test.each([
    ['requester', { scope: 'own' }],
    ['department-head', { scope: 'department', department: 'Public Works' }],
    ['purchasing', { scope: 'all' }],
    ['auditor', { scope: 'all' }],
    ['admin', { scope: 'own' }],
  ] as const)('%s → %j', (role, expected) => {
    expect(listScope(principal(role))).toEqual(expected);
  });

  test('a department head the directory gives no department sees only their own', () => {
    expect(listScope({ ...principal('department-head'), department: undefined })).toEqual({ scope: 'own' });
  });
});

describe('own request: the same mailbox, or the same person id', () => {
  const p = principal('requester');
  test.each([
    ['exact', 'requester@sample-city.example', true],
    ['other case', 'Requester@Sample-City.Example', true],
    ['a +tag', 'requester+purchases@sample-city.example', true],
    ['another local part', 'requester2@sample-city.example', false],
    ['another domain', 'requester@sample-city.example.evil', false],
  ])('%s (%s) → %s', (_name, email, own) => {
    expect(isOwnRequest(p, { requester: { email }, department: 'Parks and Recreation' })).toBe(own);
  });

  test('a request recorded with the person id is theirs whatever the address says', () => {
    expect(isOwnRequest(p, { requester: { id: p.id, email: 'old.address@sample-city.example' }, department: 'Finance' })).toBe(true);
  });

  test('mailboxKey keeps the domain whole and drops only the tag', () => {
    expect(mailboxKey(' Ana.Ruiz+Q3+x@City.Example ')).toBe('ana.ruiz@city.example');
  });
});

test('a 403 names the person and the action; a 404 reveals nothing', () => {
  expect(authorize(principal('auditor'), 'cancel', SAME_DEPARTMENT)).toEqual({ allowed: false, status: 403, message: 'The auditor may not cancel on this request' });
  expect(authorize(principal('requester'), 'read', OTHER_DEPARTMENT)).toEqual({ allowed: false, status: 404, message: 'no such request' });
});
