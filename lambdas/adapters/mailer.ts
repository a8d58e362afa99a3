/**
 * Outgoing mail as the use cases see it. The presentation layer builds the subject, text and HTML
 * once; an adapter only carries them: SES v2 on AWS (lambdas/adapters/ses-mailer.ts), nodemailer
 * over SMTP to maildev in the local stack.
 */
import type { Person } from '../domain';

export interface OutgoingMail { to: Person; subject: string; text: string; html: string }
export interface Mailer { send(mail: OutgoingMail): Promise<void> }

export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
}

/**
 * The error a Mailer throws when its transport fails. The transport's own message can include
 * server banners, so it stays out of user-facing text; the original error rides along as `cause`
 * (its name tells a refused sender from an outage).
 */
export const deliveryFailed = (mail: OutgoingMail, error: unknown): MailDeliveryError =>
  new MailDeliveryError(`mail to a ${mail.to.email.split('@')[1] ?? 'recipient'} address failed: ${(error as Error).message}`, { cause: error });
