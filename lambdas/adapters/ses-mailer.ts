/**
 * Mail on AWS: SES v2 SendEmail with simple content (subject, text and HTML parts), so SES builds
 * the MIME message and the bundle carries no MIME library. Only the functions the catalog lets
 * send mail import this file.
 *
 * The email's own Message-ID cannot travel through SES: SES replaces any `Message-ID` with its own
 * (and refuses the header in simple content). The deterministic id goes in `References` instead,
 * so a resend after a crash names the same message as the first send and clients thread the two.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Person } from '../domain';
import { throwIfMailConfigurationError } from './mail-errors';
import { deliveryFailed, messageIdFor, type Mailer } from './mailer';

/** RFC 2047 encoded words of at most 75 characters each (45 bytes of UTF-8, whole characters). */
const encodedWords = (text: string): string => {
  const words: string[] = [];
  let chunk = '';
  for (const character of text) {
    if (Buffer.byteLength(chunk + character, 'utf8') > 45) { words.push(chunk); chunk = ''; }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
};

/**
 * `"Name" <address>` as SES wants it: an ASCII name as a quoted string, any other name as
 * RFC 2047 encoded words. Line breaks and other controls never reach a header.
 */
export const mailbox = (person: Person): string => {
  const name = person.name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (name === '') return person.email;
  const display = /^[\u0020-\u007e]*$/.test(name)
    ? `"${name.replace(/["\\]/g, '\\$&')}"`
    : encodedWords(name);
  return `${display} <${person.email}>`;
};

export const sesMailer = (from: string, ses: SESv2Client = new SESv2Client({})): Mailer => ({
  async send(mail) {
    const charset = 'UTF-8';
    try {
      await ses.send(new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [mailbox(mail.to)] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: charset },
            Body: { Text: { Data: mail.text, Charset: charset }, Html: { Data: mail.html, Charset: charset } },
            Headers: [{ Name: 'References', Value: messageIdFor(mail.messageKey, from) }],
          },
        },
      }));
    } catch (error) {
      // A refusal no retry can fix (unverified identity, sandbox, denied) stops the retries at once.
      throwIfMailConfigurationError(error, mail.to.email.split('@')[1] ?? 'recipient');
      throw deliveryFailed(mail, error);
    }
  },
});
