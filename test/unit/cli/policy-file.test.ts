/**
 * One way to run your own policy: a JSON file, checked by `npm run policy:check`, taken by
 * `npm run route -- --policy file.json` and by `npm start` (`--policy file.json` or POLICY_FILE).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run as route } from '../../../lambdas/cli/route';
import { main as policyCheck } from '../../../local/policy-check';
import { policyFileFrom } from '../../../local/start';
import { sampleCity } from '../../fixtures/policies';

const dir = mkdtempSync(path.join(tmpdir(), 'par-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, value: unknown) => { const file = path.join(dir, name); writeFileSync(file, JSON.stringify(value)); return file; };
const REQUEST = path.join(__dirname, '..', '..', 'fixtures', 'requests', 'micro-direct.json');

const riverTown = () => ({ ...sampleCity(), id: 'river-town', name: 'River Town purchasing policy' });

describe('npm run policy:check', () => {
  it('a valid file: exit 0 with a summary whose ceilings are in words from the numbers', () => {
    const result = policyCheck([write('river-town.json', riverTown())]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: policy "river-town" \(base, version [^)]+\): River Town purchasing policy\ntiers:\n  micro: Micro-purchase: below \$5,000\.00; methods /);
    expect(result.stdout).toContain('  governing-body: Formal solicitation with council approval: everything above;');
  });

  it('an invalid file: exit 1 with one field: reason line per problem', () => {
    const policy = riverTown();
    policy.tiers[2]!.ceilings[0]!.amount = 20_000; // formal below informal's $25,000
    const result = policyCheck([write('descending.json', policy)]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr.split('\n').slice(1, -1)).toEqual([
      'tiers[2].ceilings[0].amount: $20000 is not above the ceiling of the tier before it ("informal", tiers[1].ceilings[0]: $25000 inclusive); ceilings must ascend from tier to tier',
    ]);
  });

  it('no such file, or not JSON: exit 1 saying so; no argument: usage, exit 2', () => {
    expect(policyCheck([path.join(dir, 'absent.json')])).toMatchObject({ code: 1, stderr: expect.stringContaining('policy: cannot read file') });
    writeFileSync(path.join(dir, 'broken.json'), '{');
    expect(policyCheck([path.join(dir, 'broken.json')])).toMatchObject({ code: 1, stderr: expect.stringContaining('is not valid JSON') });
    expect(policyCheck([])).toMatchObject({ code: 2, stderr: 'usage: npm run policy:check -- <policy.json>\n' });
  });
});

describe('npm run route -- --policy file.json', () => {
  it('routes under your own policy, read from the file', () => {
    const policy = riverTown();
    policy.tiers[0]!.ceilings[0]!.amount = 1_000; // the fixture's $1,850.50 is no longer a micro-purchase here
    const result = route([REQUEST, '--policy', write('tight.json', policy)]);
    expect(result.code).toBe(0);
    const decision = JSON.parse(result.stdout);
    expect(decision.policy.id).toBe('river-town');
    expect(decision.tier).toMatchObject({ id: 'informal', reason: expect.stringMatching(/^River Town purchasing policy: \$1,850\.50 is at or above \$1,000\.00 and at or below \$25,000\.00/) });
  });

  it('a shipped id still works, and an invalid file is refused with its field errors on stderr', () => {
    expect(JSON.parse(route([REQUEST, '--policy', 'sample-city']).stdout).policy.id).toBe('sample-city');
    const bad = riverTown() as Record<string, unknown>;
    delete bad.deadlines;
    expect(route([REQUEST, '--policy', write('bad.json', bad)])).toEqual({ code: 2, stdout: '', stderr: 'invalid input:\n--policy deadlines: Invalid input: expected object, received undefined\n' });
  });
});

describe('npm start --policy', () => {
  it('takes the flag, else POLICY_FILE', () => {
    expect(policyFileFrom(['--policy', 'mine.json'], { POLICY_FILE: 'other.json' })).toBe('mine.json');
    expect(policyFileFrom([], { POLICY_FILE: 'other.json' })).toBe('other.json');
    expect(policyFileFrom([], {})).toBeUndefined();
  });
});
