import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../../src/platform/net/free-port.js';

/**
 * Debian's Janus (package `janus`) with a fresh configuration in a temporary directory: the
 * WebSocket transport on 127.0.0.1 and the VideoRoom plugin, nothing else. The plugin and transport
 * folders hold links to those two libraries only, so Janus loads no other plugin (and reads no
 * other configuration).
 *
 * ICE cannot use loopback: Janus skips loopback interfaces when it lists the addresses to gather
 * on (`if(ifa->ifa_flags & IFF_LOOPBACK) continue;` in ice.c, 1.1.x), and an `ice_enforce_list`
 * of 127.0.0.1 then matches nothing, so libnice falls back to every other address, IPv6 included.
 * ICE is therefore pinned (`ice_enforce_list`) to one IPv4 address of this host's own, which Janus
 * offers as its only host candidate. The media still never leaves the machine: the kernel delivers
 * traffic to a local address through loopback.
 *
 * A missing Janus is an error, not a skip: CI installs the package, and a skipped test would hide
 * that it did not.
 */

/** Bounds on waiting for Janus: it starts in well under a second (generating its DTLS certificate). */
const READY_ATTEMPTS = 150;
const READY_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5_000;
/** What is kept of Janus's console output for error messages. */
const OUTPUT_LIMIT = 8_000;

export function janusBinary(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.JANUS_BIN
    ? [env.JANUS_BIN]
    : [
        ...(env.PATH ?? '').split(path.delimiter).map((dir) => dir && path.join(dir, 'janus')),
        '/usr/bin/janus',
      ].filter((p) => p !== '');
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // try the next place
    }
  }
  throw new Error('janus not found: install the Debian package (apt-get install -y janus)');
}

/** Debian installs the plugins under /usr/lib/<multiarch triplet>/janus. */
export function janusLibraryDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.JANUS_LIB_DIR
    ? [env.JANUS_LIB_DIR]
    : [
        ...fs
          .readdirSync('/usr/lib', { withFileTypes: true })
          .filter((e) => e.isDirectory() && /-linux-gnu/.test(e.name))
          .map((e) => path.join('/usr/lib', e.name, 'janus')),
        '/usr/lib/janus',
      ];
  for (const dir of candidates) {
    if (
      fs.existsSync(path.join(dir, 'plugins', 'libjanus_videoroom.so')) &&
      fs.existsSync(path.join(dir, 'transports', 'libjanus_websockets.so'))
    )
      return dir;
  }
  throw new Error(
    'the Janus VideoRoom plugin and WebSocket transport were not found: install the Debian package janus',
  );
}

/**
 * The host address Janus does ICE on: `JANUS_ICE_ADDRESS`, or the first non-internal IPv4 address.
 * A machine with none (a sandbox with loopback only) cannot run Janus's media tests.
 */
export function janusIceAddress(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JANUS_ICE_ADDRESS) return env.JANUS_ICE_ADDRESS;
  for (const addresses of Object.values(os.networkInterfaces()))
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error(
    'no non-loopback IPv4 address for Janus ICE (Janus never gathers on loopback): set JANUS_ICE_ADDRESS',
  );
}

export interface JanusServerOptions {
  /** Janus's `api_secret`; a random one by default, `null` for none. */
  apiSecret?: string | null;
}

export class JanusServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly apiSecret: string | undefined,
    /** The one address Janus gathers ICE candidates on. */
    readonly iceAddress: string,
    private readonly dir: string,
    private readonly binary: string,
  ) {}

  static async start(opts: JanusServerOptions = {}): Promise<JanusServer> {
    const binary = janusBinary();
    const lib = janusLibraryDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-janus-'));
    const apiSecret =
      opts.apiSecret === null ? undefined : (opts.apiSecret ?? crypto.randomBytes(24).toString('base64url'));
    const server = new JanusServer(await freePort(), apiSecret, janusIceAddress(), dir, binary);
    try {
      for (const sub of ['plugins', 'transports', 'events', 'loggers']) fs.mkdirSync(path.join(dir, sub));
      fs.symlinkSync(
        path.join(lib, 'plugins', 'libjanus_videoroom.so'),
        path.join(dir, 'plugins', 'libjanus_videoroom.so'),
      );
      fs.symlinkSync(
        path.join(lib, 'transports', 'libjanus_websockets.so'),
        path.join(dir, 'transports', 'libjanus_websockets.so'),
      );
      server.writeConfig();
      await server.run();
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Janus's log file so far (it names participants by their opaque ids only). */
  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'janus.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Starts the process (again, on the same port) and waits, bounded, until it speaks Janus on its WebSocket. */
  async run(): Promise<void> {
    if (this.child) throw new Error('janus already running');
    this.output = '';
    const child = spawn(
      this.binary,
      ['--config', path.join(this.dir, 'janus.jcfg'), '--configs-folder', this.dir],
      {
        cwd: this.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited: string | undefined;
    child.once('error', (err: NodeJS.ErrnoException) => (exited = `janus could not start: ${err.message}`));
    child.once('exit', (code, signal) => (exited = `janus exited (${signal ?? code})`));
    for (let i = 0; i < READY_ATTEMPTS && exited === undefined; i++) {
      if (await this.answers()) return;
      await new Promise((resolve) => setTimeout(resolve, READY_INTERVAL_MS));
    }
    await this.stop();
    throw new Error(`${exited ?? `janus did not answer on ${this.url}`}:\n${this.output}`);
  }

  /** Ends the process and waits for it: SIGTERM (a clean stop) or SIGKILL (a crash). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private writeConfig(): void {
    const dir = this.dir;
    const janus = `general: {
  configs_folder = "${dir}"
  plugins_folder = "${dir}/plugins"
  transports_folder = "${dir}/transports"
  events_folder = "${dir}/events"
  loggers_folder = "${dir}/loggers"
  log_to_stdout = true
  log_to_file = "${dir}/janus.log"
  debug_level = 4
  debug_colors = false
  server_name = "openvisit-test"
  interface = "${this.iceAddress}"
  exit_on_dl_error = true
  ${this.apiSecret !== undefined ? `api_secret = "${this.apiSecret}"` : ''}
}
certificates: {
}
media: {
}
nat: {
  nice_debug = false
  ice_enforce_list = "${this.iceAddress}"
  ignore_mdns = true
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
  broadcast = false
}
`;
    const websockets = `general: {
  json = "compact"
  ws = true
  ws_port = ${this.port}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`;
    // No static rooms: the provider creates every room through the API.
    const videoroom = `general: {
}
`;
    fs.writeFileSync(path.join(dir, 'janus.jcfg'), janus, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'janus.transport.websockets.jcfg'), websockets, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'janus.plugin.videoroom.jcfg'), videoroom, { mode: 0o600 });
  }

  /** Whether a `janus-protocol` WebSocket opens and Janus answers an `info` request. */
  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.url, 'janus-protocol', { handshakeTimeout: 1_000 });
      const done = (ok: boolean) => {
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), 1_000);
      ws.once('error', () => done(false));
      ws.once('open', () => ws.send(JSON.stringify({ janus: 'info', transaction: 'ready' })));
      ws.once('message', (raw) => done(raw.toString().includes('"server_info"')));
    });
  }
}
