/**
 * The registry's watch (scheduled: EventBridge Scheduler on AWS, a timer in the local stack):
 * mails purchasing 90, 60 and 30 days before a contract ends and when its approved spend reaches
 * 80% and 100% of its ceiling. Each alert is claimed on the contract item before it is mailed, so
 * two runs never both send it; a mail that cannot be delivered gives its claim back for the next run.
 */
import type { Actor } from '../audit/chain';
import { dueAlerts } from '../domain/contracts';
import { utcDate } from '../domain/dates';
import { mailboxKey, peopleForPolicy, UnknownPeopleDirectoryError } from '../domain/people';
import type { Person } from '../domain';
import { renderContractAlertEmail } from '../presentation/contracts';
import { logger } from '../shared/logger';
import { flushAuditOrLeavePending } from '../store/audit-flush';
import { contractAuditKey } from '../store/contracts-table';
import type { PendingEvent } from '../store/records';
import type { Deps } from './deps';

export type WatchDeps = Pick<Deps, 'contracts' | 'audit' | 'mailer' | 'clock' | 'policies' | 'publicBaseUrl'>;

export interface WatchResult { checked: number; sent: string[]; failed: string[] }

const SYSTEM: Actor = { kind: 'system' };

/** Everyone the people directories give the purchasing role: they keep the registry. */
export const purchasingPeople = (policies: Deps['policies']): Person[] => {
  const out = new Map<string, Person>();
  for (const id of policies.ids()) {
    const policy = policies.get(id);
    if (policy.kind !== 'base') continue;
    try {
      for (const p of peopleForPolicy(policy).all()) if (p.roles.includes('purchasing')) out.set(mailboxKey(p.email), { name: p.name, email: p.email });
    } catch (error) {
      if (!(error instanceof UnknownPeopleDirectoryError)) throw error;
    }
  }
  return [...out.values()];
};

export const watchContracts = async (deps: WatchDeps): Promise<WatchResult> => {
  const now = deps.clock();
  const at = now.toISOString();
  const today = utcDate(now);
  const recipients = purchasingPeople(deps.policies);
  const contracts = await deps.contracts.list();
  const result: WatchResult = { checked: contracts.length, sent: [], failed: [] };
  for (const contract of contracts) {
    const due = dueAlerts(contract, contract.spentCents, Object.keys(contract.alertsSent ?? {}), today);
    if (due.send.length === 0) continue;
    const events: PendingEvent[] = due.send.map((a) => ({
      eventKey: `contract-alert-sent#${a.key}`, at, type: 'contract-alert-sent', actor: SYSTEM,
      data: { alert: a.key, subject: a.subject, recipients: recipients.map((r) => r.email), today },
    }));
    // Another run got there first: it sends them.
    if (!(await deps.contracts.claimAlerts(contract.id, due.record, at, events))) continue;
    for (const alert of due.send) {
      const link = deps.publicBaseUrl ? `${deps.publicBaseUrl}/contracts/${contract.id}` : undefined;
      const mail = renderContractAlertEmail({ subject: alert.subject, text: alert.text, ...(link ? { link } : {}) });
      try {
        // One alert to one person is one fact: a retried run re-sends it with the same Message-ID.
        for (const to of recipients) await deps.mailer.send({ to, ...mail, messageKey: `contract.${contract.id}.${alert.key}.${to.email}` });
        result.sent.push(`${contract.id}:${alert.key}`);
      } catch (error) {
        logger.warn('contract alert could not be delivered', { contractId: contract.id, alert: alert.key, error: (error as Error).name });
        result.failed.push(`${contract.id}:${alert.key}`);
        await deps.contracts.releaseAlert(contract.id, alert.key, [{
          eventKey: `contract-alert-failed#${alert.key}#${at}`, at, type: 'notification-failed', actor: SYSTEM, data: { alert: alert.key },
        }]);
      }
    }
    await flushAuditOrLeavePending({ requests: deps.contracts, audit: deps.audit }, contractAuditKey(contract.id));
  }
  if (result.sent.length || result.failed.length) logger.info('contract watch', { ...result });
  return result;
};
