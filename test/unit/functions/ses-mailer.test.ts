/** The SES v2 mailer: simple content in UTF-8, a recipient header that cannot be bent, failures as MailDeliveryError. */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { MailConfigurationError } from '../../../lambdas/adapters/mail-errors';
import { MailDeliveryError } from '../../../lambdas/adapters/mailer';
import { mailbox, sesMailer } from '../../../lambdas/adapters/ses-mailer';

const mail = { to: { name: 'Dana Ortiz', email: 'dana.ortiz@sample-city.example' }, subject: 'Approval needed: Chairs', text: 'plain', html: '<p>html</p>', messageKey: 'approval.01JREQ.0.request' };

describe('sesMailer', () => {
  it('sends the subject, text and HTML as simple UTF-8 content from the configured sender, the email\'s id in References', async () => {
    const send = jest.fn().mockResolvedValue({ MessageId: 'm-1' });
    await sesMailer('purchasing@city.gov', { send } as unknown as SESv2Client).send(mail);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0][0].input).toEqual({
      FromEmailAddress: 'purchasing@city.gov',
      Destination: { ToAddresses: ['"Dana Ortiz" <dana.ortiz@sample-city.example>'] },
      Content: {
        Simple: {
          Subject: { Data: 'Approval needed: Chairs', Charset: 'UTF-8' },
          Body: { Text: { Data: 'plain', Charset: 'UTF-8' }, Html: { Data: '<p>html</p>', Charset: 'UTF-8' } },
          Headers: [{ Name: 'References', Value: '<approval.01JREQ.0.request@city.gov>' }],
        },
      },
    });
  });

  it('turns a passing SES failure (throttling) into MailDeliveryError, naming the domain only and keeping the cause', async () => {
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
    const failing = sesMailer('purchasing@city.gov', { send: jest.fn().mockRejectedValue(throttled) } as unknown as SESv2Client);
    const error = await failing.send(mail).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ name: 'MailDeliveryError', message: 'mail to a sample-city.example address failed: Maximum sending rate exceeded.', cause: throttled });
  });

  it('turns a configuration refusal (unverified identity) into a MailConfigurationError that no retry repeats', async () => {
    const refusal = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    const failing = sesMailer('purchasing@city.gov', { send: jest.fn().mockRejectedValue(refusal) } as unknown as SESv2Client);
    const error = await failing.send(mail).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailConfigurationError);
    expect(error).toMatchObject({ retryable: false });
  });
});

describe('mailbox', () => {
  it('quotes an ASCII name, escaping quotes and backslashes', () => {
    expect(mailbox({ name: 'Ortiz, "Dana" \\ Purchasing', email: 'd@x.example' })).toBe('"Ortiz, \\"Dana\\" \\\\ Purchasing" <d@x.example>');
  });

  it('encodes any other name as RFC 2047 words of at most 75 characters, whole characters each', () => {
    const name = 'José Núñez-Öztürk de la Peña y Ñandú, Compras Municipales';
    const header = mailbox({ name, email: 'j@x.example' });
    const words = header.replace(/ <j@x\.example>$/, '').split(' ');
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect(words.map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64').toString('utf8')).join('')).toBe(name);
  });

  it('never lets a line break or other control into the header', () => {
    expect(mailbox({ name: 'Dana\r\nBcc: all@x.example', email: 'd@x.example' })).toBe('"Dana Bcc: all@x.example" <d@x.example>');
    expect(mailbox({ name: '\n', email: 'd@x.example' })).toBe('d@x.example');
  });
});
