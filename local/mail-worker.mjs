// maildev 3 is ESM-only (its package exports have no "require" condition), and jest's CommonJS
// runtime cannot import it. A worker thread loads it with Node's own loader under both tsx and
// jest. Plain JavaScript on purpose: workers run files as they are, without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';

// maildev prints its URLs even when silent; the stack prints its own summary instead.
for (const method of ['log', 'info', 'warn', 'debug']) console[method] = () => {};

const { MailDev } = await import('maildev');
const maildev = new MailDev({
  smtp: workerData.smtpPort,
  ip: '127.0.0.1',
  web: workerData.webPort,
  webIp: '127.0.0.1',
  mailDirectory: workerData.mailDirectory,
  silent: true,
});

try {
  const servers = await maildev.start();
  parentPort.postMessage({
    type: 'ready',
    smtpPort: servers.smtp.smtp.server.address().port,
    webPort: servers.api.app.server.address().port,
  });
} catch (error) {
  // `port` names the server whose port was taken (SMTP or the web inbox), for the message.
  parentPort.postMessage({ type: 'failed', code: error.code, port: error.port, message: error.message });
}

parentPort.on('message', async (message) => {
  if (message !== 'stop') return;
  await maildev.stop().catch(() => {});
  parentPort.postMessage({ type: 'stopped' });
  parentPort.close();
});
