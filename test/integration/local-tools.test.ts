/**
 * The local tools say what is wrong in a sentence: a second stack on a data folder in use, a taken
 * port named as the one that is taken, and `npm run audit:verify` reading the API at $PORT and
 * never creating a data folder where it finds none. Loopback only.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main as auditVerify } from '../../local/audit-verify';
import { DataFolderInUseError, startDynamo } from '../../local/dynamo';
import { startMail } from '../../local/mail';
import { closeServer, listenOnLoopback, PortInUseError } from '../../local/net';
import { cannotStartMessage } from '../../local/start';

const folders: string[] = [];
const newFolder = () => { const dir = mkdtempSync(path.join(tmpdir(), 'par-tools-')); folders.push(dir); return dir; };
afterAll(() => { for (const dir of folders) rmSync(dir, { recursive: true, force: true }); });

/** A server holding a loopback port, for as long as the test needs it taken. */
const holdPort = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer();
  return { port: await listenOnLoopback(server, 0, 'test'), server };
};

const withEnv = async <T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> => {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try { return await run(); } finally {
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
};

test('a second start on a data folder in use says the folder is in use (not "Database is not open")', async () => {
  const dataDir = newFolder();
  const first = await startDynamo(dataDir);
  try {
    const second = startDynamo(dataDir);
    await expect(second).rejects.toBeInstanceOf(DataFolderInUseError);
    const error = await second.catch((e: unknown) => e);
    expect(cannotStartMessage(error)).toBe(`Cannot start: the data folder ${dataDir} is in use by another running process (another npm start?): stop it, or set DATA_DIR to another folder.`);
  } finally {
    await first.stop();
  }
  // Free again once the first has stopped.
  const again = await startDynamo(dataDir);
  await again.stop();
});

test('a taken mail web-inbox port is named as such, with the setting that moves it', async () => {
  const taken = await holdPort();
  const free = await holdPort();
  const smtpPort = free.port;
  await closeServer(free.server);
  try {
    const error = await startMail(newFolder(), smtpPort, taken.port).then(async (mail) => { await mail.stop(); return undefined; }, (e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({ port: taken.port, role: 'mail web inbox' });
    expect(cannotStartMessage(error)).toBe(`Cannot start: port ${taken.port} (mail web inbox) on 127.0.0.1 is already in use: stop whatever holds it or choose another port.\nSet MAIL_WEB_PORT to use another port.`);
  } finally {
    await closeServer(taken.server);
  }
}, 30_000);

describe('npm run audit:verify', () => {
  let errors: jest.SpyInstance;
  let logs: jest.SpyInstance;
  beforeEach(() => {
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    logs = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => { errors.mockRestore(); logs.mockRestore(); });

  test('reads the API at $PORT', async () => {
    const api = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(request.url === '/health' ? '{"ok":true}' : JSON.stringify({ events: [], head: null }));
    });
    const port = await listenOnLoopback(api, 0, 'stub API');
    try {
      await withEnv({ PORT: String(port), DATA_DIR: path.join(newFolder(), 'absent') }, () => auditVerify(['01JREQUEST', '--json']));
      expect(JSON.parse(logs.mock.calls[0][0] as string)).toMatchObject({ requestId: '01JREQUEST', source: `http://127.0.0.1:${port}` });
    } finally {
      await closeServer(api);
    }
  });

  test('with no API answering and no data folder: exit 2, a sentence naming both, and no folder created', async () => {
    const nothing = await holdPort();
    const deadPort = nothing.port;
    await closeServer(nothing.server);
    const dataDir = path.join(newFolder(), 'absent');
    const code = await withEnv({ PORT: String(deadPort), DATA_DIR: dataDir }, () => auditVerify(['01JREQUEST']));
    expect(code).toBe(2);
    expect(errors.mock.calls.flat().join('\n')).toBe(`no local data in ${dataDir} (and no API answered at http://127.0.0.1:${deadPort}; set PORT to the port npm start uses, or pass --api <url>)`);
    expect(existsSync(dataDir)).toBe(false);
  });

  test('a data folder held by a running stack is refused with a sentence, not read half-open', async () => {
    const dataDir = newFolder();
    const running = await startDynamo(dataDir);
    try {
      const code = await auditVerify(['01JREQUEST', '--data-dir', dataDir]);
      expect(code).toBe(2);
      expect(errors.mock.calls.flat().join('\n')).toMatch(/is in use by another running process .*read it through its API instead$/);
    } finally {
      await running.stop();
    }
  });
});
