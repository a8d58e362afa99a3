/**
 * Wording shared by pages and emails, so an approver reads the same words in both. Times are shown
 * in UTC and say so: the renderers are pure and know no agency time zone.
 */
import { METHOD_NAMES, type RequestStatus } from '../domain/vocabulary';
import type { CheckView, CheckpointState, CheckpointView, RequestSummary } from './types';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2027-03-01" → "1 Mar 2027"; "2027-03-01T14:05:00Z" → "1 Mar 2027, 14:05 UTC"; anything else as given. */
export function formatWhen(value: string | undefined): string {
  if (!value) return '';
  const day = CALENDAR_DATE.exec(value);
  if (day) {
    const month = MONTHS[Number(day[2]) - 1];
    return month ? `${Number(day[3])} ${month} ${day[1]}` : value;
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const hh = String(at.getUTCHours()).padStart(2, '0');
  const mm = String(at.getUTCMinutes()).padStart(2, '0');
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${hh}:${mm} UTC`;
}


export function methodLabel(type: string): string {
  return (METHOD_NAMES as Record<string, string>)[type] ?? type;
}

const FUNDING_LABELS: Record<string, string> = { local: 'Local', state: 'State', federal: 'Federal' };

export function fundingLabel(source: string): string {
  return FUNDING_LABELS[source] ?? source;
}

export function methodLine(request: RequestSummary): string {
  const verdict = request.method.eligible ? 'eligible' : 'not eligible';
  return `${methodLabel(request.method.type)} (${verdict})`;
}

export function tierLine(request: RequestSummary): string {
  const { id, reason, citation } = request.tier;
  return `${id} — ${reason}${citation ? ` (${citation})` : ''}`;
}

export function checklistSummary(checks: CheckView[]): string {
  if (checks.length === 0) return 'No checklist for this method';
  const passed = checks.filter((c) => c.passed).length;
  return `Passed ${passed} of ${checks.length} checks`;
}

export function failedChecks(checks: CheckView[]): CheckView[] {
  return checks.filter((c) => !c.passed);
}

const STATE_LABELS: Record<CheckpointState, string> = {
  waiting: 'Not asked yet',
  pending: 'Waiting for a decision',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired without a decision',
  cancelled: 'Cancelled',
};

export function stateLabel(state: string): string {
  return (STATE_LABELS as Record<string, string>)[state] ?? state;
}

export function isDecided(cp: CheckpointView): boolean {
  return cp.state === 'approved' || cp.state === 'rejected' || cp.state === 'expired' || cp.state === 'cancelled';
}

/** Who acted: "Ben Ito", or "Ben Ito on behalf of Dana Park" for a delegate or alternate. */
export function actorLine(cp: CheckpointView): string {
  const who = cp.decidedBy || cp.approver.name;
  return cp.onBehalfOf ? `${who} on behalf of ${cp.onBehalfOf.name}` : who;
}

/**
 * "Approved by Ben Ito on behalf of Dana Park on 2 Mar 2027, 10:00 UTC". A checkpoint nobody acted
 * on names the person asked without "by", so a cancelled or expired step never reads as their act.
 */
export function decisionLine(cp: CheckpointView): string {
  const at = cp.decidedAt ? ` on ${formatWhen(cp.decidedAt)}` : '';
  const acted = cp.state === 'approved' || cp.state === 'rejected' || (cp.state === 'cancelled' && !!cp.decidedBy);
  if (acted) return `${stateLabel(cp.state)} by ${actorLine(cp)}${at}`;
  const asked = cp.onBehalfOf ? `${cp.approver.name} on behalf of ${cp.onBehalfOf.name}` : cp.approver.name;
  return `${stateLabel(cp.state)} (${asked})${isDecided(cp) ? at : ''}`;
}

/** Council checkpoints carry the meeting and resolution the clerk recorded. */
export function councilLine(cp: CheckpointView): string {
  const parts: string[] = [];
  if (cp.meetingDate) parts.push(`meeting of ${formatWhen(cp.meetingDate)}`);
  if (cp.resolutionNumber) parts.push(`resolution ${cp.resolutionNumber}`);
  return parts.join(', ');
}

const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  SUBMITTED: 'Submitted', PENDING_APPROVAL: 'Waiting for approval', APPROVED: 'Approved', REJECTED: 'Rejected',
  RETURNED: 'Returned for changes', EXPIRED: 'Expired', CANCELLED: 'Cancelled',
};

/** "PENDING_APPROVAL" → "Waiting for approval"; an unknown status is shown as given. */
export function requestStatusLabel(status: string): string {
  return REQUEST_STATUS_LABELS[status as RequestStatus] ?? status;
}

/** What a flag is called where a person reads it; an unknown kind shows as its code. */
const FLAG_LABELS = new Map<string, string>([
  ['split-suspected', 'Possible split purchase'],
  ['contract-unverified', 'Contract not in the registry (purchasing verifies it)'],
]);
export function flagLabel(type: string): string {
  // A Map, not an object: a flag type such as "toString" must not find Object.prototype's.
  return FLAG_LABELS.get(type) ?? type;
}
