import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/platform/net/free-port.js';

/**
 * Debian's `nats-server` installs to /usr/sbin, which is not on every user's PATH. A missing
 * binary is an error, not a skip: CI installs the package, and a skipped test would hide that it
 * did not.
 */
export function natsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  // NATS_SERVER_BIN, when set, is the only place looked at (another build of the server, or none).
  const candidates = env.NATS_SERVER_BIN
    ? [env.NATS_SERVER_BIN]
    : [
        ...(env.PATH ?? '').split(path.delimiter).map((dir) => dir && path.join(dir, 'nats-server')),
        '/usr/sbin/nats-server',
        '/usr/bin/nats-server',
      ].filter((p) => p !== '');
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next place
    }
  }
  throw new Error('nats-server not found: install the Debian package (apt-get install -y nats-server)');
}

/** Resolves once the server greets a client with INFO, i.e. accepts connections. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('INFO ')));
    socket.once('error', () => done(false));
  });
}

/** A throwaway nats-server on a loopback port, with its own config in a temp directory. */
export class NatsServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly binary: string,
  ) {}

  static async start(): Promise<NatsServer> {
    const binary = natsServerBinary();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openvisit-nats-'));
    const server = new NatsServer(await freePort(), dir, binary);
    // Loopback only; no monitoring port, no JetStream: the signaling bus uses core pub/sub.
    await writeFile(
      path.join(dir, 'nats.conf'),
      `listen: "127.0.0.1:${server.port}"\nmax_payload: 1MB\nserver_name: "openvisit-test"\n`,
    );
    await server.run();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the process and waits (bounded) until it accepts connections. */
  async run(): Promise<void> {
    if (this.child) throw new Error('nats-server already running');
    this.output = '';
    const child = spawn(this.binary, ['-c', path.join(this.dir, 'nats.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    for (let i = 0; i < 200; i++) {
      if (exited) break;
      if (await greets(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.stop();
    throw new Error(`nats-server did not start on port ${this.port}:\n${this.output}`);
  }

  /** Ends the process (SIGKILL by default: a crash, no lame-duck notice) and waits for its exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
