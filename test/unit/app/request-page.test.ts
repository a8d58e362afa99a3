/**
 * The request page's view model (pure: records in, nodes out) and its drawing: each checkpoint's
 * state as the route shows it, the current step, the actions each viewer is offered, the timeline.
 */
import type { AuditEvent } from '../../../lambdas/audit/chain';
import { deliveryFailed, requestActions, requestPageView, routeView, timeline, type RouteNode } from '../../../lambdas/app/request-page';
import type { Principal } from '../../../lambdas/app/identity';
import { routeList, routeSvg, renderRequestPage } from '../../../lambdas/presentation/request-page';
import { CONTENT_SECURITY_POLICY } from '../../../lambdas/presentation';
import type { CheckpointRecord, RequestRecord } from '../../../lambdas/store/records';
import { world } from './fakes';
import { askApprover, cancelAsRequester, post, submitAndRoute, submitAsRequester, fixture } from './flows';

const ANA: Principal = { id: 'p-ana-ruiz', name: 'Ana Ruiz', email: 'ana.ruiz@city.example', department: 'Public Works', roles: ['requester'] };
const JORDAN: Principal = { id: 'p-jordan-blake', name: 'Jordan Blake', email: 'jordan.blake@sample-city.example', roles: ['requester', 'purchasing'] };
const IRIS: Principal = { id: 'p-iris-novak', name: 'Iris Novak', email: 'iris.novak@sample-city.example', roles: ['requester', 'auditor'] };

const stored = async (w: ReturnType<typeof world>, id: string) => {
  const { request, checkpoints } = await w.deps.requests.getWithCheckpoints(id);
  return { record: request!, checkpoints };
};
const states = (nodes: RouteNode[]) => nodes.map((n) => `${n.kind}:${n.state}${n.current ? '*' : ''}`);

test('tier → method → each checkpoint; the first approver asked is the current node, the next one not yet asked', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'informal-quotes');
  await askApprover(w, id, 0);
  const { record, checkpoints } = await stored(w, id);
  const route = routeView(record, checkpoints);
  expect(states(route.nodes)).toEqual(['tier:done', 'method:done', 'checkpoint:waiting*', 'checkpoint:not-yet']);
  const current = route.nodes[2]!;
  expect(current).toMatchObject({ title: checkpoints[0]!.roleTitle, person: checkpoints[0]!.approver.name, dueAt: checkpoints[0]!.deadlines!.expireAt, openedAt: checkpoints[0]!.openedAt });
  expect(route.summary).toContain(`now waiting for ${checkpoints[0]!.approver.name}`);
});

test('after an approval the route moves on: the approved node carries its decision time, the next is current', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'informal-quotes');
  const first = await askApprover(w, id, 0);
  await post(w, first, { decision: 'approve', comment: 'fine' });
  await askApprover(w, id, 1);
  const { record, checkpoints } = await stored(w, id);
  const route = routeView(record, checkpoints);
  expect(states(route.nodes)).toEqual(['tier:done', 'method:done', 'checkpoint:done', 'checkpoint:waiting*']);
  expect(route.nodes[2]!.decidedAt).toBe(checkpoints[0]!.decision!.decidedAt);
});

test('a cancelled request: the open step is skipped and the steps ahead were never reached; no node is current', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'informal-quotes');
  await askApprover(w, id, 0);
  await cancelAsRequester(w.deps, id, { reason: 'bought elsewhere' });
  const { record, checkpoints } = await stored(w, id);
  const route = routeView(record, checkpoints);
  expect(states(route.nodes)).toEqual(['tier:done', 'method:done', 'checkpoint:skipped', 'checkpoint:skipped']);
  expect(route.nodes.map((n) => n.stateLabel).slice(2)).toEqual(['Cancelled', 'Not reached']);
});

test('a request not routed yet waits at the tier; a RETURNED one stops at the method, which is current', async () => {
  const w = world();
  const { record } = await submitAsRequester(w.deps, fixture('micro-direct'));
  expect(states(routeView(record, []).nodes)).toEqual(['tier:waiting*', 'method:not-yet']);
  const returned = await submitAndRoute(w, 'piggyback-returned' as 'micro-direct');
  const r = await stored(w, returned);
  expect(r.record.status).toBe('RETURNED');
  expect(states(routeView(r.record, r.checkpoints).nodes)).toEqual(['tier:done', 'method:rejected*']);
});

test('a delegate is drawn with the person they stand in for', () => {
  const base = { id: '01J00000000000000000000001', submittedAt: '2026-11-02T15:00:00.000Z', updatedAt: '2026-11-02T15:00:00.000Z', status: 'PENDING_APPROVAL' } as RequestRecord;
  const record = { ...base, request: { method: { type: 'direct' } } } as unknown as RequestRecord;
  const checkpoint = {
    index: 0, role: 'department-head', roleTitle: 'Department head', approver: { name: 'Sam Lee', email: 's@x' }, onBehalfOf: { name: 'Dana Ortiz', email: 'd@x' },
    state: 'pending', requestId: base.id, escalation: { name: 'E', email: 'e@x' }, reason: 'r', openedAt: '2026-11-02T15:00:00.000Z',
    deadlines: { remindAt: '2026-11-03T15:00:00.000Z', escalateAt: '2026-11-04T15:00:00.000Z', expireAt: '2026-11-09T15:00:00.000Z' },
  } as CheckpointRecord;
  const node = routeView(record, [checkpoint]).nodes[2]!;
  expect(node).toMatchObject({ person: 'Sam Lee', onBehalfOf: 'Dana Ortiz', current: true });
  expect(routeList(routeView(record, [checkpoint])).value).toContain('Sam Lee on behalf of Dana Ortiz');
  expect(routeList(routeView(record, [checkpoint])).value).toContain('due 9 Nov 2026, 15:00 UTC');
});

test('actions: the requester may cancel their open request without a reason, purchasing with one and may resend, an auditor nothing', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'micro-direct');
  await askApprover(w, id, 0);
  const { record, checkpoints } = await stored(w, id);
  expect(requestActions(ANA, record, checkpoints)).toEqual({ cancel: { reasonRequired: false }, resend: false, copyAndFix: false });
  expect(requestActions(JORDAN, record, checkpoints)).toEqual({ cancel: { reasonRequired: true }, resend: false, copyAndFix: false });
  // Resend is offered to purchasing once the approver's email failed, and to nobody else.
  expect(requestActions(JORDAN, record, checkpoints, true).resend).toBe(true);
  expect(requestActions(ANA, record, checkpoints, true).resend).toBe(false);
  expect(requestActions(IRIS, record, checkpoints)).toEqual({ cancel: undefined, resend: false, copyAndFix: false });
  await cancelAsRequester(w.deps, id, {});
  const after = await stored(w, id);
  expect(requestActions(ANA, after.record, after.checkpoints).cancel).toBeUndefined();
});

test('delivery failed: the last mail event of the current checkpoint is notification-failed; a later resend clears it', () => {
  const checkpoints = [{ index: 0, state: 'pending' }] as CheckpointRecord[];
  const ev = (seq: number, type: string, index = 0) => ({ seq, type, data: { index }, at: '', actor: { kind: 'system' }, requestId: 'x', hash: '', prevHash: '' }) as AuditEvent;
  expect(deliveryFailed([ev(1, 'checkpoint-opened'), ev(2, 'notification-failed')], checkpoints)).toBe(true);
  expect(deliveryFailed([ev(2, 'notification-failed'), ev(3, 'approval-requested')], checkpoints)).toBe(false);
  expect(deliveryFailed([ev(2, 'notification-failed', 1)], checkpoints)).toBe(false);
  expect(deliveryFailed([ev(2, 'notification-failed')], [])).toBe(false);
});

test('the timeline reads the trail oldest first, in words, naming who acted', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'micro-direct');
  const approval = await askApprover(w, id, 0);
  await post(w, approval, { decision: 'approve', comment: 'Vests are needed' });
  const { checkpoints } = await stored(w, id);
  const events = [...w.audit.events.get(id)!].reverse();
  const entries = timeline(events, checkpoints);
  expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
  expect(entries[0]).toMatchObject({ what: 'Submitted as PR-2026-000001', who: 'Ana Ruiz' });
  expect(entries.find((e) => e.what.startsWith('Approved'))).toMatchObject({ who: checkpoints[0]!.approver.name, note: 'Vests are needed' });
});

test('the drawing: an svg image named by the heading and summary, one group per node, no external reference; user text escaped', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'micro-direct');
  await askApprover(w, id, 0);
  const { record, checkpoints } = await stored(w, id);
  record.request.title = '<script>alert(1)</script>';
  const svg = routeSvg(routeView(record, checkpoints), 'route-heading route-summary').value;
  expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="route-heading route-summary"/);
  expect(svg.match(/<g class="node /g)).toHaveLength(3);
  expect(svg).toContain('class="node st-now current" data-state="waiting"');
  expect(svg).not.toMatch(/href|url\(|<image|<use|style=/);
  const page = renderRequestPage({ view: requestPageView(ANA, record, checkpoints, { events: w.audit.events.get(id)!, verified: true }), viewer: { ...ANA, via: 'bearer' }, base: '' });
  expect(page.body).not.toContain('<script>');
  expect(page.body).toContain('&lt;script&gt;');
  expect(page.body).toContain('<ol class="route-text">');
  expect(page.body).toContain('action="/requests/' + id + '/cancel"');
  expect(page.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src/);
});

test('RETURNED: the page shows the reasons and, to its requester, "Copy and fix" to a new request from this one', async () => {
  const w = world();
  const id = await submitAndRoute(w, 'piggyback-returned' as 'micro-direct');
  const { record, checkpoints } = await stored(w, id);
  const KIM: Principal = { id: 'p-kim-lowe', name: 'Kim Lowe', email: 'kim.lowe@sample-city.example', department: 'Parks and Recreation', roles: ['requester'] };
  const view = requestPageView(KIM, record, checkpoints, { events: [], verified: true });
  expect(view.reasons.length).toBeGreaterThan(0);
  const body = renderRequestPage({ view, viewer: { ...KIM, via: 'bearer' }, base: '/prod' }).body;
  expect(body).toContain(`href="/prod/requests/new?from=${id}"`);
  expect(body).toContain(view.reasons[0]!.message.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
  expect(requestPageView(JORDAN, record, checkpoints, { events: [], verified: true }).actions.copyAndFix).toBe(false);
});
