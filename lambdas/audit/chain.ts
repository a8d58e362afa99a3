/**
 * The tamper-evident audit chain, pure: each event's hash is SHA-256 over the previous hash and
 * the event's canonical JSON, so editing, reordering or deleting any event breaks verification
 * at that sequence number. The chain head (last seq and hash) is also anchored on the request
 * item, so deleting the last events shows too.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface Actor { kind: 'requester' | 'approver' | 'system' | 'clerk' | 'purchasing'; id?: string; name?: string; email?: string; onBehalfOf?: { name: string; email: string } }

export interface AuditEventBody {
  requestId: string;
  seq: number;
  at: string;
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
  /**
   * The fact the event records (`checkpoint-approved#2`), unique on a request's chain: a writer
   * that finds it there already does not write the event again. Sealed like the rest of the body.
   */
  eventKey?: string;
}

export interface ChainHead { seq: number; hash: string }

export interface AuditEvent extends AuditEventBody { prevHash: string; hash: string }

export interface Verification { verified: boolean; failedAtSeq?: number; reason?: string; count: number }

/** JSON with object keys sorted at every level, so the hash does not depend on key order. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

export const hashEvent = (prevHash: string, body: AuditEventBody): string =>
  createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');

export const sealEvent = (prevHash: string, body: AuditEventBody): AuditEvent => ({ ...body, prevHash, hash: hashEvent(prevHash, body) });

/** Checks a request's events in seq order: no gap, each links to the one before, each hash matches. */
export const verifyChain = (events: AuditEvent[]): Verification => {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i];
    const expectedSeq = i + 1;
    if (event.seq !== expectedSeq) {
      return { verified: false, failedAtSeq: expectedSeq, reason: `event ${expectedSeq} is missing`, count: events.length };
    }
    if (event.prevHash !== prevHash) {
      return { verified: false, failedAtSeq: event.seq, reason: 'prevHash does not match the previous event', count: events.length };
    }
    const { prevHash: _p, hash, ...body } = event;
    if (hashEvent(prevHash, body) !== hash) {
      return { verified: false, failedAtSeq: event.seq, reason: 'the event was altered after it was recorded', count: events.length };
    }
    prevHash = hash;
  }
  return { verified: true, count: events.length };
};

/**
 * `verifyChain`, and the trail must reach the head anchored on the request: an event at the
 * head's seq with the head's hash. Events after the head are allowed (appended, their head not
 * yet moved); events missing before it are not. No head at all fails: it is written with the
 * request, so only its removal explains its absence.
 */
export const verifyTrail = (events: AuditEvent[], head: ChainHead | undefined): Verification => {
  const chain = verifyChain(events);
  if (!chain.verified) return chain;
  const count = events.length;
  if (!head) return { verified: false, reason: 'no chain head is anchored on the request', count };
  if (head.seq === 0) return chain;
  const atHead = events.find((e) => e.seq === head.seq);
  if (!atHead) {
    return { verified: false, failedAtSeq: count + 1, reason: `events ${count + 1} to ${head.seq} are missing: the chain head is at seq ${head.seq}`, count };
  }
  if (atHead.hash !== head.hash) return { verified: false, failedAtSeq: head.seq, reason: 'the event at the chain head is not the one anchored', count };
  return chain;
};
