import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../src/platform/net/free-port.js';

// ---------- an SMTP server that knows which process sent what ----------

export interface SenderMail {
  /** The SMTP user the sending process signed in as: which process it was. */
  user: string;
  raw: string;
}

export interface GatedSmtp {
  /** `smtp://{user}:pw@127.0.0.1:{port}` for the process that signs in as `user`. */
  urlFor(user: string): string;
  messages: SenderMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 that does not answer a message until `senders` distinct users
 * have each handed one over; from then on it answers at once. A worker sends its claimed notices
 * one after another, so the first process to send is held on its first message until the other
 * process has claimed notices of its own and sent one: both processes take part whatever the
 * timing, without a sleep. Held replies stay far below the sender's timeout: the other process
 * polls every few hundred milliseconds.
 */
export async function startGatedSmtp(senders: number): Promise<GatedSmtp> {
  const messages: SenderMail[] = [];
  const seen = new Set<string>();
  let held: (() => void)[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.password === 'pw' && auth.username) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const user = typeof session.user === 'string' ? session.user : '';
        messages.push({ user, raw: Buffer.concat(chunks).toString('utf8') });
        seen.add(user);
        held.push(() => cb(null));
        if (seen.size < senders) return;
        const release = held;
        held = [];
        for (const answer of release) answer();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    urlFor: (user) => `smtp://${encodeURIComponent(user)}:pw@127.0.0.1:${port}`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------- the real server in a process of its own ----------

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  port: number;
  /** SIGTERM, then the exit code once it has shut down in order (its batch in flight recorded). */
  stop(): Promise<number | null>;
  /** What it wrote, for a failure message. */
  output(): string;
}

/**
 * `openvisit start` (main.ts through tsx, as a deployment runs it) on a free port, resolved once it
 * serves. `env` adds to this process's environment.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(serverDir, 'src', 'main.ts'), 'start'],
    {
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = await new Promise<boolean>((resolve) => {
    child.stdout?.on('data', () => {
      if (out.includes('Press Ctrl-C to stop.')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  if (!ready) throw new Error(`the server did not start:\n${out}`);
  let stopping: Promise<number | null> | undefined;
  return {
    port,
    output: () => out,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        // A server that does not shut down must not outlive the test run.
        const hard = setTimeout(() => child.kill('SIGKILL'), 60_000);
        try {
          return await exited;
        } finally {
          clearTimeout(hard);
        }
      })();
      return stopping;
    },
  };
}
