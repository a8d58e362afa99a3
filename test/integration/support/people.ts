/**
 * The people the integration tests act as, and tokens for them: Sample City's shipped directory
 * (policies/people/sample-city.json) — its requesters, department heads, purchasing, the auditor
 * and the administrator, as the local OpenID provider knows them.
 */
import { createPolicyRegistry } from '../../../lambdas/domain';
import { requireBase } from '../../../lambdas/domain/policy';
import { mailboxKey, peopleForPolicy, type PersonRecord } from '../../../lambdas/domain/people';
import { ACCESS_ROLES, type AccessRole, type Principal } from '../../../lambdas/app/identity';
import { startTestIssuer, type TestIssuer } from './token-issuer';

export const DIRECTORY = peopleForPolicy(requireBase(createPolicyRegistry().get('sample-city')));

const person = (email: string): PersonRecord => {
  const found = DIRECTORY.findByEmail(email);
  if (!found) throw new Error(`${email} is not in the sample-city people directory`);
  return found;
};
const withRole = (role: string): PersonRecord => {
  const found = DIRECTORY.all().find((p) => p.roles.includes(role));
  if (!found) throw new Error(`nobody in the sample-city directory is ${role}`);
  return found;
};

/** The requester of the example request (test/fixtures/requests/formal-cooperative.json), Public Works. */
export const REQUESTER = person('ana.ruiz@city.example');
export const PURCHASING = withRole('purchasing');
export const AUDITOR = withRole('auditor');
export const ADMIN = withRole('admin');

/** The directory entry for this address (case and +tag ignored). */
export const personByEmail = (email: string): PersonRecord | undefined => DIRECTORY.findByEmail(email);

let issuer: Promise<TestIssuer> | undefined;
/**
 * An issuer the stack does not trust (its own keys, its own URL), started on first use: the
 * source of forged and flawed tokens in attack tests. Real tokens come from the local provider.
 */
export const untrustedIssuer = (): Promise<TestIssuer> => (issuer ??= startTestIssuer());

/** The verified caller the API would see for this person (for tests that call use cases directly). */
export const principalOf = (p: PersonRecord): Principal => ({
  id: p.id, name: p.name, email: p.email, ...(p.department ? { department: p.department } : {}),
  roles: ['requester', ...ACCESS_ROLES.filter((r): r is AccessRole => r !== 'requester' && p.roles.includes(r))],
});

export { mailboxKey };
