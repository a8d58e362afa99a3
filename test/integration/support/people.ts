/**
 * The people the integration tests act as, and tokens for them. The directory is the sample
 * city's staff (department heads with their department, purchasing, the other approvers) plus the
 * requesters the tests submit as, an auditor and an administrator. Tokens come from one test
 * issuer per test process, so a stack restarted in the same process keeps accepting them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessRole, DirectoryPerson, Principal } from '../../../lambdas/app/identity';
import { mailboxKey } from '../../../lambdas/app/identity';
import { startTestIssuer, type TestIssuer } from './token-issuer';

interface Contact { name: string; email: string }
interface Contacts { approver?: Contact; alternate?: Contact; escalation?: Contact }

const idOf = (email: string) => mailboxKey(email).replace(/[^a-z0-9]+/g, '-');

const policyPeople = (): DirectoryPerson[] => {
  const policy = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'policies', 'sample-city.json'), 'utf8')) as {
    roles: Record<string, Contacts & { byDepartment?: Record<string, Contacts> }>;
  };
  const people = new Map<string, DirectoryPerson>();
  const add = (contact: Contact | undefined, extra: { department?: string; role?: string } = {}) => {
    if (!contact) return;
    const key = mailboxKey(contact.email);
    const known = people.get(key) ?? { id: idOf(contact.email), name: contact.name, email: contact.email, roles: [] };
    people.set(key, {
      ...known,
      ...(extra.department && !known.department ? { department: extra.department } : {}),
      roles: extra.role && !known.roles.includes(extra.role) ? [...known.roles, extra.role] : known.roles,
    });
  };
  for (const [roleId, role] of Object.entries(policy.roles)) {
    for (const [department, contacts] of Object.entries(role.byDepartment ?? {})) {
      add(contacts.approver, { department, ...(roleId === 'department-head' ? { role: 'department-head' } : {}) });
      add(contacts.alternate, { department });
      add(contacts.escalation);
    }
    const purchasing = roleId === 'purchasing-agent' ? { role: 'purchasing', department: 'Finance' } : {};
    add(role.approver, purchasing);
    add(role.alternate, purchasing);
    add(role.escalation);
  }
  return [...people.values()];
};

export const REQUESTER: DirectoryPerson = { id: 'ana-ruiz', name: 'Ana Ruiz', email: 'ana.ruiz@city.example', department: 'Public Works', roles: [] };
export const AUDITOR: DirectoryPerson = { id: 'ines-audit', name: 'Ines Audit', email: 'ines.audit@sample-city.example', department: 'Finance', roles: ['auditor'] };
export const ADMIN: DirectoryPerson = { id: 'adrian-admin', name: 'Adrian Admin', email: 'adrian.admin@sample-city.example', department: 'Information Technology', roles: ['admin'] };
/** A requester in another department than the sample requests (Public Works). */
export const PARKS_REQUESTER: DirectoryPerson = { id: 'pia-parks', name: 'Pia Parks', email: 'pia.parks@sample-city.example', department: 'Parks and Recreation', roles: [] };
/** A second requester of Public Works. */
export const COLLEAGUE: DirectoryPerson = { id: 'cole-works', name: 'Cole Works', email: 'cole.works@sample-city.example', department: 'Public Works', roles: [] };

export const TEST_PEOPLE: DirectoryPerson[] = [
  ...policyPeople(),
  REQUESTER, AUDITOR, ADMIN, PARKS_REQUESTER, COLLEAGUE,
  // The requesters of test/fixtures/requests.
  { id: 'kim-lowe', name: 'Kim Lowe', email: 'kim.lowe@sample-city.example', department: 'Public Works', roles: [] },
  { id: 'sam-ortega', name: 'Sam Ortega', email: 'sam.ortega@sample-city.example', department: 'Parks and Recreation', roles: [] },
];

export const PURCHASING = TEST_PEOPLE.find((p) => p.roles.includes('purchasing'))!;

/** The directory entry for this address (case and +tag ignored). */
export const personByEmail = (email: string): DirectoryPerson | undefined => TEST_PEOPLE.find((p) => mailboxKey(p.email) === mailboxKey(email));

let issuer: Promise<TestIssuer> | undefined;
/** The test issuer of this process, started on first use. */
export const testIssuer = (): Promise<TestIssuer> => (issuer ??= startTestIssuer());

/** A fresh access token for the directory person with this address. */
export const tokenFor = async (email: string): Promise<string> => {
  const person = personByEmail(email);
  if (!person) throw new Error(`${email} is not in the test directory (test/integration/support/people.ts)`);
  return (await testIssuer()).mint({ subject: person.id, email: person.email, name: person.name });
};

/** The verified caller the API would see for this person (for tests that call use cases directly). */
export const principalOf = (person: DirectoryPerson): Principal => ({
  id: person.id, name: person.name, email: person.email, ...(person.department ? { department: person.department } : {}),
  roles: ['requester', ...(person.roles as AccessRole[])],
});
