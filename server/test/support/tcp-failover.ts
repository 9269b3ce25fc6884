import net from 'node:net';

/**
 * A small TCP "load balancer" for tests of losing a node: it listens on loopback, and sends each new
 * client connection to the first backend that accepts a TCP connect, trying them in order (the
 * `preferred` one first). It knows nothing of HTTP: a keep-alive connection or an upgraded
 * WebSocket stays on the backend it was first piped to.
 *
 * `cut(name)` is a crash of that backend as its clients see it: every connection piped to it is
 * reset on both sides at once (no close frame, no goodbye), and no new connection goes there.
 * Connects are bounded (`connectTimeoutMs`), and so are connections idle in both directions
 * (`idleTimeoutMs`); a client no backend takes is reset.
 */

export interface Backend {
  name: string;
  port: number;
  host?: string;
}

export interface TcpFailoverOptions {
  backends?: Backend[];
  /** Bound on each backend's TCP connect before the next is tried. Default 2 s. */
  connectTimeoutMs?: number;
  /** A piped connection silent both ways this long is closed. Default 120 s (above WebSocket pings). */
  idleTimeoutMs?: number;
}

interface Pipe {
  client: net.Socket;
  upstream: net.Socket;
}

export class TcpFailover {
  /** The backend tried first for the next client connections (then the others, in order). */
  preferred: string | undefined;
  private readonly backends: Backend[] = [];
  private readonly dead = new Set<string>();
  private readonly pipes = new Map<string, Set<Pipe>>();
  /** Client connections not yet piped (their backend connect is under way). */
  private readonly pending = new Set<net.Socket>();
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  /** How many client connections each backend took, for tests that check where clients went. */
  readonly taken = new Map<string, number>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    opts: TcpFailoverOptions,
  ) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 2_000;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 120_000;
    for (const b of opts.backends ?? []) this.add(b);
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on a free loopback port. */
  static async start(opts: TcpFailoverOptions = {}): Promise<TcpFailover> {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('tcp failover: no port');
    return new TcpFailover(server, addr.port, opts);
  }

  /** `127.0.0.1:PORT` */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://${this.address}`;
  }

  add(backend: Backend): void {
    if (this.backends.some((b) => b.name === backend.name)) throw new Error(`backend ${backend.name} twice`);
    this.backends.push(backend);
    this.pipes.set(backend.name, new Set());
    this.taken.set(backend.name, 0);
  }

  /** Connections piped to a backend right now. */
  open(name: string): number {
    return this.pipes.get(name)?.size ?? 0;
  }

  /**
   * The backend crashes, as clients see it: each of its piped connections is reset (RST) on both
   * sides, and it takes no new connection until `revive`. Returns how many connections were cut.
   */
  cut(name: string): number {
    const pipes = this.pipes.get(name);
    if (!pipes) throw new Error(`no backend ${name}`);
    this.dead.add(name);
    const n = pipes.size;
    for (const p of [...pipes]) {
      reset(p.upstream);
      reset(p.client);
    }
    pipes.clear();
    return n;
  }

  revive(name: string): void {
    this.dead.delete(name);
  }

  /** Stops listening and resets every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.pending) reset(c);
    for (const name of this.pipes.keys()) this.cut(name);
    await closed;
  }

  private order(): Backend[] {
    const alive = this.backends.filter((b) => !this.dead.has(b.name));
    const first = alive.filter((b) => b.name === this.preferred);
    return [...first, ...alive.filter((b) => b.name !== this.preferred)];
  }

  private accept(client: net.Socket): void {
    this.pending.add(client);
    client.on('error', () => undefined);
    const candidates = this.order();
    const next = (i: number): void => {
      if (client.destroyed) {
        this.pending.delete(client);
        return;
      }
      const backend = candidates[i];
      if (!backend) {
        this.pending.delete(client);
        reset(client);
        return;
      }
      const upstream = net.connect({ host: backend.host ?? '127.0.0.1', port: backend.port });
      let settled = false;
      const fail = () => {
        if (settled) return;
        settled = true;
        upstream.destroy();
        next(i + 1);
      };
      upstream.setTimeout(this.connectTimeoutMs, fail);
      upstream.once('error', fail);
      upstream.once('connect', () => {
        if (settled) return;
        settled = true;
        upstream.off('error', fail);
        this.pending.delete(client);
        // Cut while connecting, or the client went away meanwhile.
        if (this.dead.has(backend.name) || client.destroyed) {
          reset(upstream);
          reset(client);
          return;
        }
        this.pipe(backend.name, client, upstream);
      });
    };
    next(0);
  }

  private pipe(name: string, client: net.Socket, upstream: net.Socket): void {
    const pipes = this.pipes.get(name);
    if (!pipes) return;
    const p: Pipe = { client, upstream };
    pipes.add(p);
    this.taken.set(name, (this.taken.get(name) ?? 0) + 1);
    let done = false;
    /** One side closed: the other gets what is still buffered for it, then is closed too (bounded). */
    const end = (hard: boolean) => {
      if (done) return;
      done = true;
      pipes.delete(p);
      for (const s of [client, upstream]) {
        if (hard || s.destroyed) s.destroy();
        else {
          s.end();
          setTimeout(() => s.destroy(), 2_000).unref();
        }
      }
    };
    upstream.setTimeout(0);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      s.on('error', () => end(true));
      s.on('close', () => end(false));
    }
    // Idle both ways: each side's timer is reset by its own traffic only, so watch the pair.
    let last = Date.now();
    const touch = () => void (last = Date.now());
    client.on('data', touch);
    upstream.on('data', touch);
    const idle = setInterval(
      () => {
        if (Date.now() - last > this.idleTimeoutMs) end(true);
      },
      Math.min(this.idleTimeoutMs, 5_000),
    );
    idle.unref();
    client.once('close', () => clearInterval(idle));
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}

/** Closes a socket with a TCP reset where the runtime can (a crash, not a goodbye). */
function reset(s: net.Socket): void {
  if (s.destroyed) return;
  try {
    if (typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening') s.resetAndDestroy();
    else s.destroy();
  } catch {
    s.destroy();
  }
}
