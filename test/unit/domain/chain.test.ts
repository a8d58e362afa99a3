/**
 * Approval chains (DESIGN §7 order), separation of duties (2 CFR 200.318(c)(1)) and delegation.
 */
import fc from 'fast-check';
import { parsePolicy, type Policy } from '../../../lambdas/domain';
import { federalOk, request, roles, route, sampleCity } from './helpers';

const piggy = {
  type: 'piggyback', leadAgency: 'County of Riverside', leadAgencyIsPublic: true, contractNumber: 'RIV-114',
  expires: '2028-01-31', scopeCovers: true, competitivelyBid: true, cooperativeLanguage: true, procuredUnder2CFR200: true,
};

describe('chain composition in DESIGN §7 order', () => {
  it.each([
    ['§4.1 micro direct: department head only', { amount: 1200, method: undefined }, ['department-head']],
    ['§4.2 informal quotes: + purchasing agent', { amount: 12000, method: { type: 'quotes', quotes: [{ vendor: 'Acme Mobility', amount: 12000 }, { vendor: 'B', amount: 12500 }, { vendor: 'C', amount: 13000 }] } }, ['department-head', 'purchasing-agent']],
    ['§4.2 micro cooperative: purchasing reviews every alternative-method checklist', { amount: 3000, method: { type: 'cooperative', alliance: 'NCPA', contractNumber: '1', expires: '2028-01-01', scopeCovers: true } }, ['department-head', 'purchasing-agent']],
    ['§4.3 formal competitive: + finance director', { amount: 30000, method: undefined }, ['department-head', 'purchasing-agent', 'finance-director']],
    ['§4.4 piggyback: + city attorney', { amount: 30000, method: piggy }, ['department-head', 'purchasing-agent', 'finance-director', 'city-attorney']],
    ['§4.4 sole source: + city attorney', { amount: 30000, method: { type: 'sole-source', ground: 'single-source', justification: 'OEM' } }, ['department-head', 'purchasing-agent', 'finance-director', 'city-attorney']],
    ['§4.5 federal funds: + grants manager', { amount: 30000, method: undefined, fundingSource: 'federal', federal: federalOk }, ['department-head', 'purchasing-agent', 'finance-director', 'grants-manager']],
    ['§4.6 $99,999.99: no city manager', { amount: 99999.99, method: undefined }, ['department-head', 'purchasing-agent', 'finance-director']],
    ['§4.6 $100,000: + city manager', { amount: 100000, method: undefined }, ['department-head', 'purchasing-agent', 'finance-director', 'city-manager']],
    ['§4.6 every emergency: + city manager, even micro', { amount: 800, method: { type: 'emergency', justification: 'Flood' } }, ['department-head', 'purchasing-agent', 'city-manager']],
    ['§4.7 $250,000: no council', { amount: 250000, method: undefined }, ['department-head', 'purchasing-agent', 'finance-director', 'city-manager']],
    ['§4.7 $250,000.01: + city council', { amount: 250000.01, method: undefined }, ['department-head', 'purchasing-agent', 'finance-director', 'city-manager', 'city-council']],
    ['all seven in order: federal piggyback above $250,000', { amount: 300000, method: piggy, fundingSource: 'federal', federal: federalOk }, ['department-head', 'purchasing-agent', 'finance-director', 'city-attorney', 'grants-manager', 'city-manager', 'city-council']],
  ])('%s', (_rule, over, expected) => {
    const d = route(request(over));
    expect(d.status).toBe('PENDING_APPROVAL');
    expect(roles(d)).toEqual(expected);
    d.checkpoints.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.reason).toMatch(/required: /);
      expect(c.escalation.email).toMatch(/@sample-city\.example$/);
    });
  });

  it('§4.1 the department head is the requesting department\'s', () => {
    expect(route(request({ department: 'Police', amount: 1000 })).checkpoints[0]!.approver.name).toBe('Laura Chen');
    expect(route(request({ department: 'Parks and Recreation', amount: 1000 })).checkpoints[0]!.approver.name).toBe('Priya Nair');
  });

  it('§4.7 the council checkpoint is recorded by the city clerk with meeting date and resolution number', () => {
    const council = route(request({ amount: 400000, method: undefined })).checkpoints.at(-1)!;
    expect(council).toMatchObject({ role: 'city-council', approver: { email: 'city.clerk@sample-city.example' }, requires: ['meetingDate', 'resolutionNumber'] });
  });
});

describe('separation of duties: a requester never approves their own request (2 CFR 200.318(c)(1))', () => {
  it('the role\'s alternate approves instead, matched by email case-insensitively', () => {
    const d = route(request({ amount: 1200, requester: { name: 'Dana Ortiz', email: 'DANA.ORTIZ@sample-city.example' } }));
    expect(d.checkpoints[0]).toMatchObject({ role: 'department-head', approver: { name: 'Sam Lee' } });
    expect(d.checkpoints[0]!.reason).toMatch(/Dana Ortiz is the requester.*alternate, Sam Lee/);
  });
  it('with no alternate, the next role up approves instead (Finance has no deputy department head)', () => {
    const d = route(request({ department: 'Finance', amount: 1200, requester: { name: 'Elena Petrova', email: 'elena.petrova@sample-city.example' } }));
    expect(d.checkpoints[0]).toMatchObject({ role: 'department-head', approver: { name: 'Jordan Blake' } });
    expect(d.checkpoints[0]!.reason).toMatch(/next role up, Purchasing Agent Jordan Blake/);
  });
  it('escalation never goes to the requester: the next contact up the chain takes it (Morgan Hale requests)', () => {
    const requester = { name: 'Morgan Hale', email: 'morgan.hale@sample-city.example' };
    const d = route(request({ amount: 300000, method: undefined, requester }));
    expect(d.checkpoints.map((c) => c.escalation.email)).not.toContain(requester.email);
    expect(d.checkpoints.every((c) => c.escalation.email !== c.approver.email)).toBe(true);
    // Grace Kim, the next contact up, signs this request as Finance Director: not her either.
    expect(d.checkpoints[0]!.reason).toMatch(/Escalation goes to Pat Jensen, not to the requester/);
  });
  it('no approver in the whole chain is the requester', () => {
    const requester = { name: 'Grace Kim', email: 'grace.kim@sample-city.example' };
    const d = route(request({ amount: 300000, method: undefined, requester }));
    expect(d.checkpoints.map((c) => c.approver.email)).not.toContain(requester.email);
    expect(d.checkpoints.find((c) => c.role === 'finance-director')!.approver.name).toBe('Omar Haddad');
  });
  it('when only the requester could approve, the request is RETURNED (no-eligible-approver)', () => {
    const solo = parsePolicy({
      ...structuredClone(sampleCity),
      id: 'solo',
      roles: { ...structuredClone((sampleCity as { roles: object }).roles), 'city-council': { title: 'Council', approver: { name: 'Clerk', email: 'clerk@solo.example' }, escalation: { name: 'M', email: 'm@solo.example' } } },
    });
    const d = route(request({ policy: 'solo', amount: 300000, method: undefined, requester: { name: 'Clerk', email: 'clerk@solo.example' } }), { policy: solo });
    expect(d.status).toBe('RETURNED');
    expect(d.reasons[0]!.code).toBe('no-eligible-approver');
  });
});

describe('separation of duties compares people, not strings: case and +tag aliases are the requester', () => {
  it.each([
    'dana.ortiz+req@sample-city.example',
    'DANA.ORTIZ+purchases@Sample-City.Example',
    ' Dana.Ortiz@sample-city.example ',
  ])('the department head submitting as %s does not approve; the alternate does, and the reason says why', (email) => {
    const d = route(request({ amount: 1200, requester: { name: 'Dana Ortiz', email: email.trim() } }));
    expect(d.checkpoints[0]).toMatchObject({ role: 'department-head', approver: { name: 'Sam Lee' } });
    expect(d.checkpoints[0]!.reason).toMatch(/Dana Ortiz is the requester and may not approve their own request \(separation of duties\).*alternate, Sam Lee/);
    expect(d.checkpoints.map((c) => c.approver.email)).not.toContain('dana.ortiz@sample-city.example');
  });

  it('an alias of the escalation contact is not escalated to either', () => {
    const d = route(request({ amount: 1200, requester: { name: 'Morgan Hale', email: 'Morgan.Hale+x@sample-city.example' } }));
    expect(d.checkpoints[0]!.escalation.email).not.toBe('morgan.hale@sample-city.example');
    expect(d.checkpoints[0]!.reason).toMatch(/not to the requester/);
  });
});

describe('one person, one signature per request', () => {
  it('escalation never goes to someone who signs another checkpoint: the purchasing agent\'s contact (Grace Kim) is the Finance Director', () => {
    const d = route(request({ amount: 30000, method: undefined }));
    const purchasing = d.checkpoints.find((c) => c.role === 'purchasing-agent')!;
    expect(d.checkpoints.find((c) => c.role === 'finance-director')!.approver.name).toBe('Grace Kim');
    expect(purchasing.escalation.name).not.toBe('Grace Kim');
    expect(purchasing.reason).toMatch(/not to Grace Kim, who already signs this request as the Finance Director \(one person, one signature per request\)/);
  });

  it('an escalation contact does not cover two checkpoints of one request when someone else can', () => {
    const d = route(request({ amount: 30000, method: undefined }));
    expect(d.checkpoints.map((c) => c.escalation.name)).toEqual(['Morgan Hale', expect.any(String), expect.any(String)]);
    expect(new Set(d.checkpoints.map((c) => c.escalation.email)).size).toBe(d.checkpoints.length);
    expect(d.checkpoints.find((c) => c.role === 'finance-director')!.reason).toMatch(/not to Morgan Hale, who is already the escalation contact of another checkpoint/);
  });

  it('the alternate steps in for someone who already signs as another role (Finance: no deputy head, so purchasing signs for the head)', () => {
    const quotes = { type: 'quotes', quotes: [{ vendor: 'Acme Mobility', amount: 12000 }, { vendor: 'B', amount: 12500 }, { vendor: 'C', amount: 13000 }] };
    const d = route(request({ department: 'Finance', amount: 12000, method: quotes, requester: { name: 'Elena Petrova', email: 'elena.petrova@sample-city.example' } }));
    expect(d.checkpoints.map((c) => [c.role, c.approver.name])).toEqual([['department-head', 'Jordan Blake'], ['purchasing-agent', 'Casey Morgan']]);
    expect(d.checkpoints[1]!.reason).toMatch(/Jordan Blake already signs this request as the Department Head \(one person, one signature per request\); so the role's alternate, Casey Morgan approves instead/);
  });

  it('a delegate who already signs another checkpoint is skipped: the alternate approves', () => {
    const policy = parsePolicy({
      ...structuredClone(sampleCity),
      delegations: [{ role: 'finance-director', from: { name: 'Grace Kim', email: 'grace.kim@sample-city.example' }, to: { name: 'Jordan Blake', email: 'jordan.blake@sample-city.example' }, start: '2026-01-01', end: '2026-12-31' }],
    });
    const d = route(request({ amount: 30000, method: undefined }), { policy });
    const fd = d.checkpoints.find((c) => c.role === 'finance-director')!;
    expect(fd.approver.name).toBe('Omar Haddad');
    expect(fd.onBehalfOf).toBeUndefined();
    expect(fd.reason).toMatch(/Jordan Blake already signs this request as the Purchasing Agent \(one person, one signature per request\)/);
  });

  it('the requester of a request signs none of it, and nobody signs twice, whoever requests whatever (property)', () => {
    const people = Object.values((sampleCity as unknown as { roles: Record<string, { approver?: { name: string; email: string }; byDepartment?: Record<string, { approver: { name: string; email: string } }> }> }).roles)
      .flatMap((r) => [r.approver, ...Object.values(r.byDepartment ?? {}).map((d) => d.approver)]).filter((p) => p !== undefined);
    const mailbox = (e: string) => e.toLowerCase().replace(/\+[^@]*@/, '@');
    fc.assert(
      fc.property(
        fc.constantFrom(...people), fc.constantFrom('', '+x'), fc.boolean(),
        fc.constantFrom(...(sampleCity as Policy & { departments: string[] }).departments),
        fc.constantFrom(1200, 30000, 120000, 300000), fc.constantFrom('local', 'federal'),
        (person, tag, upper, department, amount, fundingSource) => {
          const [local, domain] = person.email.split('@');
          const email = `${local}${tag}@${domain}`;
          const d = route(request({ amount, method: undefined, department, fundingSource, requester: { name: person.name, email: upper ? email.toUpperCase() : email } }));
          const approvers = d.checkpoints.map((c) => mailbox(c.approver.email));
          expect(approvers).not.toContain(mailbox(person.email));
          expect(new Set(approvers).size).toBe(approvers.length);
          for (const c of d.checkpoints) {
            const escalation = mailbox(c.escalation.email);
            expect(escalation).not.toBe(mailbox(person.email));
            // An escalation goes to nobody who signs another checkpoint (at worst, back to its own approver).
            expect(approvers.filter((a) => a !== mailbox(c.approver.email))).not.toContain(escalation);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('delegation, date-ranged and inclusive (sample-city: Grace Kim → Omar Haddad, 2026-07-06 to 2026-07-17)', () => {
  const formal = request({ amount: 30000, method: undefined });
  it.each([
    ['the day before the range: ignored', '2026-07-05T23:59:59Z', false],
    ['the first day: applies', '2026-07-06T00:00:00Z', true],
    ['the last day: applies', '2026-07-17T23:59:59Z', true],
    ['the day after: ignored', '2026-07-18T00:00:00Z', false],
  ])('%s', (_case, at, applies) => {
    const fd = route(formal, { at: new Date(at) }).checkpoints.find((c) => c.role === 'finance-director')!;
    if (applies) {
      expect(fd.approver.name).toBe('Omar Haddad');
      expect(fd.onBehalfOf).toEqual({ name: 'Grace Kim', email: 'grace.kim@sample-city.example' });
      expect(fd.reason).toMatch(/Omar Haddad acts on behalf of Grace Kim.*2026-07-06 to 2026-07-17/);
    } else {
      expect(fd.approver.name).toBe('Grace Kim');
      expect(fd.onBehalfOf).toBeUndefined();
    }
  });
  it('a delegate who is the requester may not approve: the alternate path is taken', () => {
    const d = route(request({ amount: 30000, method: undefined, requester: { name: 'Omar Haddad', email: 'omar.haddad@sample-city.example' } }), { at: new Date('2026-07-08T12:00:00Z') });
    const fd = d.checkpoints.find((c) => c.role === 'finance-director')!;
    expect(fd.approver.email).not.toBe('omar.haddad@sample-city.example');
    expect(fd.reason).toMatch(/delegated to Omar Haddad, who is the requester/);
  });
});

describe('properties', () => {
  const body = (amount: number, over: object = {}) => request({ amount, method: undefined, federal: federalOk, ...over });
  it('the formal chain contains the informal chain (same department, requester, funding, date)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 500_000, max: 2_500_000 }),
        fc.integer({ min: 2_500_001, max: 100_000_000 }),
        fc.constantFrom(...(sampleCity as Policy & { departments: string[] }).departments),
        fc.constantFrom('local', 'state', 'federal'),
        (informalCents, formalCents, department, fundingSource) => {
          const q = { type: 'quotes', quotes: [{ vendor: 'Acme Mobility', amount: informalCents / 100 }, { vendor: 'B', amount: 1 }, { vendor: 'C', amount: 1 }] };
          const informal = route(body(informalCents / 100, { department, fundingSource, method: q }));
          const formal = route(body(formalCents / 100, { department, fundingSource }));
          expect(informal.tier.id).toBe('informal');
          const formalChain = formal.checkpoints.map((c) => `${c.role}|${c.approver.email}`);
          return informal.checkpoints.every((c) => formalChain.includes(`${c.role}|${c.approver.email}`));
        },
      ),
      { numRuns: 200 },
    );
  });
});
