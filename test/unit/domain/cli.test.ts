/**
 * The routing CLI, spawned like a person would run it: JSON on stdout and exit 0, or exit 2 with
 * each bad field on stderr and nothing on stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '../../..');
const fixtures = join(repo, 'test/fixtures/requests');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'lambdas/cli/route.ts'), ...args], { cwd: repo, encoding: 'utf8', timeout: 30_000 });
const AT = ['--at', '2026-12-01T00:00:00Z'];

jest.setTimeout(60_000);

describe('npm run route', () => {
  it('formal-cooperative.json: exit 0 with the decision as JSON', () => {
    const out = cli(join(fixtures, 'formal-cooperative.json'), ...AT);
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('');
    const d = JSON.parse(out.stdout);
    expect(d).toMatchObject({ status: 'PENDING_APPROVAL', tier: { id: 'formal' }, method: { type: 'cooperative', eligible: true }, flags: [{ type: 'contract-unverified' }], reasons: [] });
    expect(d.checkpoints.length).toBe(4);
  });

  it('federal-lines.json: the amount is the sum of the lines; each federal requirement is checked and passes', () => {
    const d = JSON.parse(cli(join(fixtures, 'federal-lines.json'), ...AT).stdout);
    expect(d).toMatchObject({ status: 'PENDING_APPROVAL', tier: { id: 'formal', basisCents: 5_911_000 }, reasons: [] });
    expect(d.method.checks.map((c: { id: string }) => c.id)).toEqual([
      'contract-identified', 'contract-active', 'scope-covers', 'procured-under-2cfr200', 'exclusion-check', 'covered-telecom-attestation',
    ]);
  });

  it('micro-direct.json: the policy picks direct', () => {
    const d = JSON.parse(cli(join(fixtures, 'micro-direct.json'), ...AT).stdout);
    expect(d).toMatchObject({ status: 'PENDING_APPROVAL', tier: { id: 'micro' }, method: { type: 'direct', selectedBy: 'policy' } });
  });

  it('piggyback-returned.json: RETURNED with one reason per failed check', () => {
    const d = JSON.parse(cli(join(fixtures, 'piggyback-returned.json'), ...AT).stdout);
    expect(d.status).toBe('RETURNED');
    // federally funded and above $25,000: the SAM.gov exclusion check is not recorded either (2 CFR 180.220(b)(1))
    expect(d.reasons.map((r: { checkId: string }) => r.checkId)).toEqual(['term-active', 'cooperative-language', 'procured-under-2cfr200', 'exclusion-check']);
  });

  it('--history: a split across prior requests is flagged (ids generated as prior-1, …)', () => {
    const d = JSON.parse(cli(join(fixtures, 'split-informal.json'), '--history', join(fixtures, 'prior-acme.json'), ...AT).stdout);
    expect(d.tier.id).toBe('formal');
    expect(d.flags[0]).toMatchObject({ type: 'split-suspected', requestIds: ['prior-1'], aggregateCents: 2_700_000 });
  });

  it('invalid.json: exit 2, each bad field on stderr, nothing on stdout', () => {
    const out = cli(join(fixtures, 'invalid.json'), ...AT);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    for (const field of ['title', 'requester.email', 'amount', 'colour']) expect(out.stderr).toContain(`${field}: `);
  });

  it('--policy overrides the request; an unknown policy or department is exit 2', () => {
    const unknownPolicy = cli(join(fixtures, 'micro-direct.json'), '--policy', 'atlantis', ...AT);
    expect(unknownPolicy.status).toBe(2);
    expect(unknownPolicy.stdout).toBe('');
    expect(unknownPolicy.stderr).toContain('policy: unknown policy "atlantis"');

    const dir = mkdtempSync(join(tmpdir(), 'route-cli-'));
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify({ ...require(join(fixtures, 'micro-direct.json')), department: 'Space Program' }));
    const unknownDept = cli(file, ...AT);
    expect(unknownDept.status).toBe(2);
    expect(unknownDept.stderr).toContain('department: unknown department "Space Program"; known: Public Works');
  });

  it('a bad --at or missing file is exit 2', () => {
    expect(cli(join(fixtures, 'micro-direct.json'), '--at', 'tomorrow').status).toBe(2);
    const missing = cli(join(fixtures, 'nope.json'));
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
  });
});
