/**
 * Outgoing mail as the use cases see it. The presentation layer builds the subject, text and HTML
 * once; an adapter only carries them: SES v2 on AWS (lambdas/adapters/ses-mailer.ts), nodemailer
 * over SMTP to maildev in the local stack.
 */
import type { Person } from '../domain';

/**
 * `messageKey` names the fact the email is about (`approval.<request>.<checkpoint>.<phase>`,
 * `outcome.<request>`): a resend of the same email after a crash carries the same key, and the
 * adapter turns it into the same `Message-ID` (see messageIdFor), so mail clients thread the two
 * copies together or drop the second.
 */
export interface OutgoingMail { to: Person; subject: string; text: string; html: string; messageKey: string }
export interface Mailer { send(mail: OutgoingMail): Promise<void> }

/**
 * The `Message-ID` of an email: its key at the sender's domain, `<approval.01J….0.request@city.example>`.
 * Deterministic, so every send of the same email has the same one. The key is made of ids and
 * words only; anything else is dropped so the header stays a valid msg-id.
 */
export const messageIdFor = (messageKey: string, from: string): string => {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${messageKey.replace(/[^A-Za-z0-9._-]/g, '')}@${domain}>`;
};

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
