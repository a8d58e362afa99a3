/**
 * The people directory is data checked against its policy: stable ids, one person per mailbox, the
 * policy's people all present, and policy roles derived from who the policy names as approver.
 */
import sampleCityPeople from '../../../policies/people/sample-city.json';
import {
  BASE_ROLES,
  buildPeopleDirectory,
  mailboxKey,
  peopleForPolicy,
  PeopleDirectoryInvalidError,
  sameMailbox,
  UnknownPeopleDirectoryError,
} from '../../../lambdas/domain/people';
import { requireBase } from '../../../lambdas/domain/policy';
import { loose, sampleCity } from './helpers';

const city = requireBase(sampleCity);
const directory = peopleForPolicy(city);
/** A fresh, editable copy of the shipped file. */
const file = () => structuredClone(sampleCityPeople) as { policy: string; people: Record<string, unknown>[] };
const problemsOf = (input: unknown): string[] => {
  try {
    buildPeopleDirectory(city, input);
  } catch (e) {
    if (e instanceof PeopleDirectoryInvalidError) return e.problems;
    throw e;
  }
  throw new Error('expected the directory to be refused');
};

describe('mailboxes: case and +tag aliases are one person', () => {
  it.each([
    ['Dana.Ortiz@Sample-City.example', 'dana.ortiz@sample-city.example'],
    ['dana.ortiz+req@sample-city.example', 'dana.ortiz@sample-city.example'],
    ['DANA.ORTIZ+a+b@SAMPLE-CITY.EXAMPLE', 'dana.ortiz@sample-city.example'],
    [' dana.ortiz@sample-city.example ', 'dana.ortiz@sample-city.example'],
  ])('%s is the mailbox %s', (alias, canonical) => expect(mailboxKey(alias)).toBe(canonical));

  it('a different local part or domain is a different mailbox', () => {
    expect(sameMailbox('dana.ortiz@sample-city.example', 'dana.ortiz2@sample-city.example')).toBe(false);
    expect(sameMailbox('dana.ortiz@sample-city.example', 'dana.ortiz@evil.example')).toBe(false);
    // a + in the domain is not a tag
    expect(mailboxKey('a@b+c.example')).toBe('a@b+c.example');
  });

  it('findByEmail finds the person under any alias, and nobody for an unknown mailbox', () => {
    const dana = directory.findByEmail('dana.ortiz@sample-city.example');
    expect(dana?.id).toBe('p-dana-ortiz');
    expect(directory.findByEmail('Dana.Ortiz+req@SAMPLE-CITY.example')).toBe(dana);
    expect(directory.findByEmail('nobody@sample-city.example')).toBeUndefined();
  });
});

describe('the sample-city directory', () => {
  it('ids are stable slugs, never the address', () => {
    for (const p of directory.all()) {
      expect(p.id).toMatch(/^p-[a-z0-9-]+$/);
      expect(p.id).not.toContain('@');
      expect(directory.findById(p.id)).toBe(p);
    }
  });

  it('holds every person the policy names, under the same name', () => {
    const named = Object.values(city.roles).flatMap((r) => [
      r.approver, r.alternate, r.escalation,
      ...Object.values(r.byDepartment ?? {}).flatMap((c) => [c.approver, c.alternate, c.escalation]),
    ]);
    for (const person of named.filter((p) => p !== undefined))
      expect(directory.findByEmail(person.email)?.name).toBe(person.name);
  });

  it('has sample requesters in every department, a purchasing officer, an auditor and an admin', () => {
    for (const department of city.departments)
      expect(directory.all().some((p) => p.department === department && p.roles.includes('requester'))).toBe(true);
    for (const role of ['purchasing', 'auditor', 'admin'])
      expect(directory.all().filter((p) => p.roles.includes(role)).length).toBeGreaterThan(0);
  });

  it('the policy roles come from who the policy names as approver (alternates and escalation contacts hold no office)', () => {
    expect(directory.findById('p-grace-kim')?.roles).toEqual(['finance-director']);
    expect(directory.findById('p-jordan-blake')?.roles).toEqual(['purchasing', 'purchasing-agent']);
    expect(directory.findById('p-jamie-fox')?.roles).toEqual(['city-council']);
    expect(directory.findById('p-dana-ortiz')).toEqual({
      id: 'p-dana-ortiz', name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example',
      department: 'Public Works', roles: ['requester', 'department-head'],
    });
    // Omar Haddad is Grace Kim's alternate and delegate, Morgan Hale everybody's escalation contact
    expect(directory.findById('p-omar-haddad')?.roles).toEqual([]);
    expect(directory.findById('p-morgan-hale')?.roles).toEqual([]);
    expect(directory.findById('p-sam-lee')?.roles).toEqual(['requester']);
  });

  it('records are frozen (a caller cannot grant itself a role)', () => {
    const ana = directory.findById('p-ana-ruiz')!;
    expect(() => (ana.roles as string[]).push('admin')).toThrow();
    expect(directory.findById('p-ana-ruiz')?.roles).toEqual(['requester']);
  });

  it('roles in the file are the application roles only', () => {
    expect(BASE_ROLES).toEqual(['requester', 'department-head', 'purchasing', 'auditor', 'admin']);
  });
});

describe('a people file is refused, listing every problem', () => {
  it('when two people share one mailbox (alias by case or +tag)', () => {
    const f = file();
    f.people.push({ id: 'p-dana-two', name: 'Dana Two', email: 'Dana.Ortiz+x@sample-city.example', roles: [] });
    expect(problemsOf(f)).toEqual([expect.stringMatching(/^people\[\d+\]\.email: same mailbox as p-dana-ortiz/)]);
  });

  it('when an id repeats', () => {
    const f = file();
    f.people.push({ ...f.people[0], email: 'other@sample-city.example' });
    expect(problemsOf(f)).toEqual([`people[${f.people.length - 1}].id: "p-ana-ruiz" appears more than once`]);
  });

  it('when an id is the address', () => {
    const f = file();
    f.people.push({ id: 'ana.ruiz@city.example', name: 'X', email: 'x@sample-city.example', roles: [] });
    expect(problemsOf(f)).toEqual([expect.stringMatching(/^people\.\d+\.id: must look like p-first-last/)]);
  });

  it('when a person the policy names is missing or named differently', () => {
    const f = file();
    f.people = f.people.filter((p) => p.id !== 'p-avery-stone');
    f.people.find((p) => p.id === 'p-grace-kim')!.name = 'Grace Kimball';
    const problems = problemsOf(f);
    expect(problems).toContain('roles.city-attorney.approver: Avery Stone is not in the people directory');
    expect(problems).toContain('roles.finance-director.approver: the policy says "Grace Kim", the directory says "Grace Kimball" (p-grace-kim)');
  });

  it('when a department is unknown, or a department head is not the policy\'s head of it', () => {
    const f = file();
    f.people.find((p) => p.id === 'p-ana-ruiz')!.department = 'Harbour';
    f.people.find((p) => p.id === 'p-sam-lee')!.roles = ['requester', 'department-head'];
    f.people.find((p) => p.id === 'p-dana-ortiz')!.department = 'Police';
    const problems = problemsOf(f);
    expect(problems).toContain('people[0].department: unknown department "Harbour"');
    expect(problems).toContain('p-sam-lee: listed as department-head, but the policy names them head of no department');
    expect(problems).toContain('roles.department-head.byDepartment.Public Works.approver: p-dana-ortiz heads "Public Works" but the directory puts them in "Police"');
  });

  it('when a role is not an application role, or the file is for another policy', () => {
    const f = file();
    f.policy = 'other-city';
    f.people[0]!.roles = ['city-manager'];
    const problems = problemsOf(f);
    expect(problems).toEqual([expect.stringMatching(/^people\.0\.roles\.0: /)]);
    f.people[0]!.roles = ['requester'];
    expect(problemsOf(f)).toEqual(['policy: the file is for "other-city", not "sample-city"']);
  });

  it('a policy without a shipped directory has none unless one is passed', () => {
    const other = requireBase(loose);
    expect(() => peopleForPolicy(other)).toThrow(UnknownPeopleDirectoryError);
  });

  it('the shipped directory is built once per policy', () => {
    expect(peopleForPolicy(city)).toBe(directory);
    expect(peopleForPolicy(city, { 'sample-city': file() })).not.toBe(directory);
  });
});
