/**
 * Outgoing mail through nodemailer: the SES v2 transport on AWS, SMTP to maildev locally. One
 * code path builds the MIME message either way (DESIGN §4).
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import type { Person } from '../domain';
import { throwIfMailConfigurationError } from './mail-errors';

export interface OutgoingMail { to: Person; subject: string; text: string; html: string }
export interface Mailer { send(mail: OutgoingMail): Promise<void> }

export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
}

/** `transport` is `ses` or an `smtp://host:port` URL (MAIL_TRANSPORT). */
export const createMailer = (transport: string, from: string): Mailer => {
  const transporter = transport === 'ses'
    ? nodemailer.createTransport({ SES: { sesClient: new SESv2Client({}), SendEmailCommand } })
    : nodemailer.createTransport(transport);
  return {
    async send(mail) {
      try {
        await transporter.sendMail({
          from,
          to: { name: mail.to.name, address: mail.to.email },
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        });
      } catch (error) {
        throwIfMailConfigurationError(error, mail.to.email.split('@')[1] ?? 'recipient');
        // The transport's message can include server banners; keep it out of user-facing text.
        throw new MailDeliveryError(`mail to a ${mail.to.email.split('@')[1] ?? 'recipient'} address failed: ${(error as Error).message}`);
      }
    },
  };
};
