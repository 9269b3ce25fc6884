import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's coturn (package `coturn`), found on PATH. */
const TURNSERVER = 'turnserver';
const REALM = 'openvisit.test';
/** Bounds on waiting for coturn (start-up, log lines): it takes well under a second; these stop a hang. */
const READY_ATTEMPTS = 100;
const READY_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5_000;

export interface TurnServer {
  /** `turn:127.0.0.1:<port>?transport=udp`. */
  url: string;
  /** The `static-auth-secret` it was started with. */
  secret: string;
  /** Everything coturn has logged so far (its log file; usernames are the tests' opaque ids). */
  log(): string;
  /**
   * Whether a line containing `text` shows up in the log within a bounded wait: coturn may log a
   * request after it has answered it, so the browser can know the outcome before the log does.
   */
  logged(text: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * coturn on loopback with a fresh config in a temporary directory: REST-API credentials only
 * (`use-auth-secret`), plain UDP/TCP (no TLS, DTLS, CLI), relaying on 127.0.0.1 to loopback peers
 * (coturn refuses loopback peers by default). Resolves once it answers a STUN Binding request, so
 * the UDP listener is known to be up. Rejects (the tests then fail) when `turnserver` is missing.
 */
export async function startTurnServer(): Promise<TurnServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-coturn-'));
  const secret = crypto.randomBytes(24).toString('base64url');
  const port = await freePort();
  const logFile = path.join(dir, 'turnserver.log');
  // A random relay range keeps parallel runs on this machine from competing for the same ports.
  const minPort = 50_000 + crypto.randomInt(0, 150) * 100;
  const config = [
    'listening-ip=127.0.0.1',
    `listening-port=${port}`,
    'relay-ip=127.0.0.1',
    `min-port=${minPort}`,
    `max-port=${minPort + 99}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${REALM}`,
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'allow-loopback-peers',
    'no-multicast-peers',
    // A log file rather than stdout: piped, coturn's stdout is block-buffered and lags behind.
    `log-file=${logFile}`,
    'simple-log',
    'no-stdout-log',
    // Per-request lines (user, request, outcome): the tests read coturn's side of each case there.
    'verbose',
    // Its own files, so nothing is read from or written to the system's /var/lib/turn or /var/run.
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
  ].join('\n');
  const configFile = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(configFile, `${config}\n`, { mode: 0o600 });

  // What coturn prints outside its log file (start-up failures), for the error messages.
  let output = '';
  const child = spawn(TURNSERVER, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      resolve(
        err.code === 'ENOENT'
          ? `${TURNSERVER} is not installed: install the Debian package coturn (apt-get install coturn)`
          : `${TURNSERVER} could not start: ${err.message}`,
      ),
    );
    child.once('exit', (code, signal) =>
      resolve(`${TURNSERVER} exited (${signal ?? code}):\n${output}${readLog(logFile)}`),
    );
  });
  const cleanup = async () => {
    await stopProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // Stops the STUN probe once coturn is gone, so a failed start does not keep the tests waiting.
  const gone = new AbortController();
  void exited.then(() => gone.abort());
  try {
    const ready = await Promise.race([
      waitForStun(port, gone.signal),
      exited.then((why) => Promise.reject(new Error(why))),
    ]);
    if (!ready)
      throw new Error(
        `${TURNSERVER} did not answer STUN on 127.0.0.1:${port}:\n${output}${readLog(logFile)}`,
      );
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    log: () => readLog(logFile),
    async logged(text) {
      for (let i = 0; i < READY_ATTEMPTS; i++) {
        if (readLog(logFile).includes(text)) return true;
        await new Promise((r) => setTimeout(r, READY_INTERVAL_MS));
      }
      return false;
    },
    stop: cleanup,
  };
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** A port that nobody listens on right now (TCP and UDP: coturn takes both). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer().once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

/**
 * Sends STUN Binding requests (RFC 8489) until one is answered; false after the bounded attempts
 * or once `stop` is aborted.
 */
async function waitForStun(port: number, stop: AbortSignal): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    const answered = new Promise<void>((resolve) =>
      socket.on('message', (msg) => {
        // A Binding success response: type 0x0101 and the magic cookie.
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.readUInt32BE(4) === 0x2112a442)
          resolve();
      }),
    );
    let done = false;
    void answered.then(() => (done = true));
    for (let i = 0; i < READY_ATTEMPTS && !done && !stop.aborted; i++) {
      const request = Buffer.alloc(20);
      request.writeUInt16BE(0x0001, 0);
      request.writeUInt16BE(0, 2);
      request.writeUInt32BE(0x2112a442, 4);
      crypto.randomBytes(12).copy(request, 8);
      socket.send(request, port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, READY_INTERVAL_MS));
    }
    return done;
  } finally {
    socket.close();
  }
}

/** SIGTERM, then SIGKILL if coturn has not exited after a grace period. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exit;
  clearTimeout(timer);
}
