/**
 * Who may do what, as one table (the README shows the same table). Pure: a decision from the
 * verified principal, the action and the request's owner and department, nothing else.
 *
 * Scopes: `own` — requests the principal submitted; `department` — requests of the principal's
 * department; `all` — every request; `any` — actions not about one request (submit, preview,
 * policy, people, the contracts registry). A principal holds every role the directory gives them
 * plus `requester`.
 *
 * The contracts registry: everyone signed in searches and reads it (`read-contracts`); only
 * purchasing, who verify each contract's facts, register and edit contracts (`manage-contracts`).
 *
 * Refusals: a principal who may read the request but not act on it gets 403; one who may not
 * even read it gets 404, so another department's request is not revealed to exist.
 */
import { mailboxKey, type AccessRole, type Principal } from './identity';

export const ACTIONS = [
  'submit', 'preview', 'list', 'read', 'cancel', 'resend-notification', 'export-audit', 'manage-policy', 'manage-people',
  'read-contracts', 'manage-contracts',
] as const;
export type Action = (typeof ACTIONS)[number];
export type Scope = 'own' | 'department' | 'all' | 'any';

/** A grant's extra duty: purchasing may cancel anyone's request, but must say why. */
export type Condition = 'reason-required';
export interface Grant { scope: Scope; condition?: Condition }

export const PERMISSIONS: Readonly<Record<AccessRole, Partial<Record<Action, Grant>>>> = {
  requester: {
    submit: { scope: 'any' },
    preview: { scope: 'any' },
    list: { scope: 'own' },
    read: { scope: 'own' },
    cancel: { scope: 'own' },
    'read-contracts': { scope: 'any' },
  },
  'department-head': {
    list: { scope: 'department' },
    read: { scope: 'department' },
  },
  purchasing: {
    list: { scope: 'all' },
    read: { scope: 'all' },
    cancel: { scope: 'all', condition: 'reason-required' },
    'resend-notification': { scope: 'all' },
    'manage-contracts': { scope: 'any' },
  },
  auditor: {
    list: { scope: 'all' },
    read: { scope: 'all' },
    'export-audit': { scope: 'all' },
  },
  admin: {
    'manage-policy': { scope: 'any' },
    'manage-people': { scope: 'any' },
  },
};

/** The request an action is about: whose it is and which department it belongs to. */
export interface RequestOwnership {
  requester: { email: string; id?: string };
  department: string;
}

export type Decision =
  | { allowed: true; conditions: Condition[] }
  | { allowed: false; status: 403 | 404; message: string };

export const isOwnRequest = (principal: Principal, request: RequestOwnership): boolean =>
  (request.requester.id !== undefined && request.requester.id === principal.id)
  || mailboxKey(request.requester.email) === mailboxKey(principal.email);

const covers = (scope: Scope, principal: Principal, request: RequestOwnership | undefined): boolean => {
  switch (scope) {
    case 'any':
    case 'all':
      return true;
    case 'own':
      return request !== undefined && isOwnRequest(principal, request);
    case 'department':
      return request !== undefined && principal.department !== undefined && principal.department === request.department;
  }
};

/** The grants of the principal's roles for this action that reach this request. */
const grantsFor = (principal: Principal, action: Action, request: RequestOwnership | undefined): Grant[] =>
  principal.roles.map((role) => PERMISSIONS[role][action]).filter((g): g is Grant =>
    // Listing is allowed at any scope: the scope then limits what the list shows (listScope).
    g !== undefined && ((action === 'list' && request === undefined) || covers(g.scope, principal, request)));

/**
 * The decision for one action. For actions on a request, pass it; for `list` without a request,
 * the answer says whether the principal may list at all (use `listScope` for what they see).
 */
export const authorize = (principal: Principal, action: Action, request?: RequestOwnership): Decision => {
  const grants = grantsFor(principal, action, request);
  if (grants.length > 0) {
    // The least demanding grant applies: purchasing cancelling their own request need not give a reason.
    const unconditional = grants.find((g) => !g.condition);
    return { allowed: true, conditions: unconditional ? [] : [...new Set(grants.map((g) => g.condition!))] };
  }
  const mayRead = request !== undefined && grantsFor(principal, 'read', request).length > 0;
  if (request !== undefined && !mayRead) return { allowed: false, status: 404, message: 'no such request' };
  return { allowed: false, status: 403, message: `${principal.name} may not ${action.replace(/-/g, ' ')}${request ? ' on this request' : ''}` };
};

/** What GET /requests shows this principal: everything, their department's (and their own), or only their own. */
export const listScope = (principal: Principal): { scope: 'all' } | { scope: 'department'; department: string } | { scope: 'own' } => {
  const scopes = principal.roles.map((role) => PERMISSIONS[role].list?.scope).filter((s): s is Scope => s !== undefined);
  if (scopes.includes('all')) return { scope: 'all' };
  if (scopes.includes('department') && principal.department) return { scope: 'department', department: principal.department };
  return { scope: 'own' };
};
