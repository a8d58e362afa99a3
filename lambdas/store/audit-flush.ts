/**
 * Moves a request's pending audit events (written with the state changes that caused them, see
 * RequestsTable) onto its hash chain. Idempotent and safe to run concurrently, so every writer
 * runs it after its own write and every task runs it at its start: whatever a crash left pending
 * is written by whoever comes next.
 *
 * 1. One Query reads the pending events on the request and checkpoint items and the chain head.
 * 2. They are appended in the order they happened (by `at`; ties keep the request item first and
 *    each item's own order), skipping any whose `eventKey` is already on the chain. An append
 *    writes seq n+1 only while that seq is free, having read events 1..n: so "not on the chain"
 *    is checked against exactly the chain the event extends, and two flushers never both write it.
 * 3. The head (last seq and hash) is anchored on the request item, only forward.
 * 4. The flushed lists are removed, each only if still exactly as read (the request item's in
 *    the same write as the head, when it has pending events).
 * A crash between any two steps leaves the events pending; the next flush finds them on the
 * chain (or not) by key and finishes.
 */
import { GENESIS_HASH, sealEvent, type AuditEvent } from '../audit/chain';
import { logger } from '../shared/logger';
import type { AuditTable } from './audit-table';
import type { PendingEvent } from './records';
import type { RequestsTable } from './requests-table';

export interface AuditPorts {
  requests: Pick<RequestsTable, 'pendingAudit' | 'clearPending' | 'anchorHead'>;
  audit: Pick<AuditTable, 'list' | 'listAfter' | 'putSealed'>;
}

const MAX_ATTEMPTS = 25;

export const flushAudit = async (ports: AuditPorts, requestId: string): Promise<void> => {
  const { items, head } = await ports.requests.pendingAudit(requestId);
  if (items.length === 0) return;
  const pending: PendingEvent[] = items.flatMap((item) => item.events).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

  const trail = await ports.audit.list(requestId);
  const onChain = new Set(trail.map((e) => e.eventKey).filter((key): key is string => key !== undefined));
  let last: AuditEvent | undefined = trail.at(-1);
  for (const event of pending) {
    for (let attempt = 0; !onChain.has(event.eventKey); attempt += 1) {
      if (attempt === MAX_ATTEMPTS) throw new Error(`could not append an audit event for ${requestId} after ${MAX_ATTEMPTS} attempts`);
      const sealed = sealEvent(last?.hash ?? GENESIS_HASH, {
        requestId, seq: (last?.seq ?? 0) + 1, at: event.at, type: event.type, actor: event.actor, data: event.data, eventKey: event.eventKey,
      });
      if (await ports.audit.putSealed(sealed)) {
        onChain.add(event.eventKey);
        last = sealed;
      } else {
        // Someone appended first: read what they wrote (it may be this very event) and go on from there.
        const appended = await ports.audit.listAfter(requestId, last?.seq ?? 0);
        for (const e of appended) if (e.eventKey) onChain.add(e.eventKey);
        last = appended.at(-1) ?? last;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
      }
    }
  }

  const newHead = last && (!head || last.seq > head.seq) ? { seq: last.seq, hash: last.hash } : undefined;
  const requestItem = items.find((item) => item.key.sk === 'REQUEST');
  // The head first (or with the request item's clearing): pending events are only dropped once
  // the head names them, so a crash in between leaves them pending, never unanchored.
  const clearedWithHead = newHead !== undefined && requestItem !== undefined && await ports.requests.clearPending(requestItem, newHead);
  if (newHead && !clearedWithHead) await ports.requests.anchorHead(requestId, newHead);
  for (const item of items) if (!(item === requestItem && clearedWithHead)) await ports.requests.clearPending(item);
};

/**
 * For the API routes: a flush that fails (a storage error) after the caller's own write has
 * committed must not turn that success into an error or stop what follows (starting the
 * workflow, answering the task token). The events stay pending and the next flush (every task
 * runs one at its start) writes them.
 */
export const flushAuditOrLeavePending = async (ports: AuditPorts, requestId: string): Promise<void> => {
  try {
    await flushAudit(ports, requestId);
  } catch (error) {
    logger.warn('audit events left pending for the next flush', { requestId, error: (error as Error).name });
  }
};
