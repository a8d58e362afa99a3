/**
 * Local mail: maildev (SMTP plus a web inbox with a REST API under /api) on loopback. The
 * functions get a Mailer that sends with nodemailer over SMTP (`smtp://127.0.0.1:<port>`). Mail is
 * kept as files under `<dataDir>/mail`, so the inbox, and the approval links in it, survive a restart.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import nodemailer from 'nodemailer';
import { deliveryFailed, messageIdFor, type Mailer } from '../lambdas/adapters/mailer';
import { LOOPBACK, PortInUseError, stopWorker } from './net';

export interface LocalMail { smtpPort: number; webUrl: string; apiUrl: string; stop(): Promise<void> }

type WorkerMessage =
  | { type: 'ready'; smtpPort: number; webPort: number }
  | { type: 'failed'; code?: string; port?: number; message: string }
  | { type: 'stopped' };

/**
 * The functions' Mailer in the local stack: nodemailer builds the MIME message and sends it over
 * SMTP, with the email's deterministic Message-ID (a resend is the same message again).
 */
export const smtpMailer = (smtpUrl: string, from: string): Mailer & { close(): void } => {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      try {
        await transporter.sendMail({
          from, to: { name: mail.to.name, address: mail.to.email }, subject: mail.subject, text: mail.text, html: mail.html, messageId: messageIdFor(mail.messageKey, from),
        });
      } catch (error) {
        throw deliveryFailed(mail, error);
      }
    },
    close: () => transporter.close(),
  };
};

/** The error for a taken mail port, naming the server whose port it is (both when the error does not say). */
export const portTaken = (port: number | undefined, smtpPort: number, webPort: number): PortInUseError => {
  if (port !== undefined && port === webPort && port !== smtpPort) return new PortInUseError(webPort, 'mail web inbox');
  if (port !== undefined && port === smtpPort && port !== webPort) return new PortInUseError(smtpPort, 'mail SMTP');
  return new PortInUseError(port ?? smtpPort, `mail: SMTP ${smtpPort} or web inbox ${webPort}`);
};

export async function startMail(dataDir: string, smtpPort: number, webPort: number): Promise<LocalMail> {
  const mailDirectory = path.join(dataDir, 'mail');
  await mkdir(mailDirectory, { recursive: true });
  const worker = new Worker(path.join(__dirname, 'mail-worker.mjs'), { workerData: { smtpPort, webPort, mailDirectory } });

  const ready = await new Promise<{ smtpPort: number; webPort: number }>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'failed') {
        reject(message.code === 'EADDRINUSE' ? portTaken(message.port, smtpPort, webPort) : new Error(`maildev failed to start: ${message.message}`));
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`maildev worker exited early (code ${code})`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.removeAllListeners('exit');

  const webUrl = `http://${LOOPBACK}:${ready.webPort}`;
  return {
    smtpPort: ready.smtpPort,
    webUrl,
    apiUrl: `${webUrl}/api`,
    stop: () => stopWorker(worker),
  };
}
