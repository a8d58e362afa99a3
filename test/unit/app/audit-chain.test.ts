/**
 * The audit trail is tamper-evident: any edit, reorder or deletion of an event makes
 * verification fail at that sequence number.
 */
import { GENESIS_HASH, canonicalJson, sealEvent, verifyChain, verifyTrail, type AuditEvent } from '../../../lambdas/audit/chain';

const chainOf = (n: number): AuditEvent[] => {
  const events: AuditEvent[] = [];
  for (let seq = 1; seq <= n; seq += 1) {
    events.push(sealEvent(events.at(-1)?.hash ?? GENESIS_HASH, {
      requestId: 'R1', seq, at: `2026-11-0${seq}T00:00:00.000Z`, type: `event-${seq}`, actor: { kind: 'system' }, data: { n: seq, nested: { b: 1, a: 2 } },
    }));
  }
  return events;
};

describe('audit hash chain', () => {
  test('an untouched chain verifies, and hash = SHA-256(prevHash + canonical event)', () => {
    const events = chainOf(4);
    expect(verifyChain(events)).toEqual({ verified: true, count: 4 });
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":2,"f":1}]},"b":1}');
  });

  test.each([
    ['an edited field', (e: AuditEvent[]) => { (e[2]!.data as { n: number }).n = 99; }, 3],
    ['an edited type', (e: AuditEvent[]) => { e[1]!.type = 'checkpoint-approved'; }, 2],
    ['a recomputed hash on an edited event (the next link breaks)', (e: AuditEvent[]) => {
      e[1]!.type = 'forged';
      const { prevHash, hash: _h, ...body } = e[1]!;
      e[1] = sealEvent(prevHash, body);
    }, 3],
  ])('%s fails verification at its seq', (_name, tamper, failedAt) => {
    const events = chainOf(4);
    tamper(events);
    const result = verifyChain(events);
    expect(result.verified).toBe(false);
    expect(result.failedAtSeq).toBe(failedAt);
  });

  test('a deleted event fails verification at the missing seq', () => {
    const events = chainOf(5);
    events.splice(2, 1);
    expect(verifyChain(events)).toMatchObject({ verified: false, failedAtSeq: 3 });
  });

  test('a deleted last event cannot be detected from the chain alone, so the count is reported', () => {
    expect(verifyChain(chainOf(3).slice(0, 2))).toEqual({ verified: true, count: 2 });
  });
});

describe('the trail against the chain head anchored on the request', () => {
  const headOf = (events: AuditEvent[]) => ({ seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });

  test('a whole trail reaches its head; events appended after the head (not yet anchored) still verify', () => {
    const events = chainOf(4);
    expect(verifyTrail(events, headOf(events))).toEqual({ verified: true, count: 4 });
    expect(verifyTrail(events, headOf(events.slice(0, 3)))).toEqual({ verified: true, count: 4 });
    expect(verifyTrail([], { seq: 0, hash: GENESIS_HASH })).toEqual({ verified: true, count: 0 });
  });

  test('deleting the last events fails at the first missing seq', () => {
    const events = chainOf(5);
    expect(verifyTrail(events.slice(0, 3), headOf(events))).toMatchObject({ verified: false, failedAtSeq: 4, count: 3, reason: expect.stringMatching(/events 4 to 5 are missing/) });
    expect(verifyTrail([], headOf(events))).toMatchObject({ verified: false, failedAtSeq: 1 });
  });

  test('a trail whose last event was replaced (rebuilt chain) does not match the head', () => {
    const events = chainOf(3);
    const head = headOf(events);
    const { prevHash, hash: _h, ...body } = events[2]!;
    events[2] = sealEvent(prevHash, { ...body, type: 'forged' });
    expect(verifyTrail(events, head)).toMatchObject({ verified: false, failedAtSeq: 3, reason: expect.stringMatching(/not the one anchored/) });
  });

  test('no head at all fails, and a broken chain is reported before the head is looked at', () => {
    const events = chainOf(3);
    expect(verifyTrail(events, undefined)).toMatchObject({ verified: false, reason: expect.stringMatching(/no chain head/) });
    expect(verifyTrail(events.filter((e) => e.seq !== 2), headOf(events))).toMatchObject({ verified: false, failedAtSeq: 2 });
  });
});
