import os from 'node:os';

/** The bench's knobs: environment variables (and `--no-build`), with the sizes as defaults. */
export interface VisitBenchOptions {
  /** Sockets held at once (a multiple of 4: each clinician brings 4, see data.ts). */
  connections: number;
  /** Client processes; each holds connections / workers sockets (the per-process fd limit is 20,000). */
  workers: number;
  /** New sockets per second, all workers together. */
  openRate: number;
  /** Sockets being opened at once per worker (TCP + upgrade + hello not yet answered). */
  maxPending: number;
  /** Seconds of steady state with heartbeats only, for the idle CPU figure. */
  idleSeconds: number;
  /** Signaling messages per second, all in-call sockets together. */
  relayRate: number;
  /** Seconds of relay load per target, in `rounds` rounds. */
  relaySeconds: number;
  /** Relay rounds per target (alternating with the baseline's). */
  rounds: number;
  /** Size of one signal frame as sent (an SDP-sized payload). */
  payloadBytes: number;
  /** Browser visits for the media setup time (0 = skip). */
  browserVisits: number;
  /** Whether to run the bare `ws` relay baseline. */
  baseline: boolean;
  build: boolean;
  /** A folder for a V8 CPU profile of the node (node --cpu-prof), written when it stops. */
  serverCpuProf: string | undefined;
  /**
   * Pin the server under test (the node, the bare relay) to the first core and the client processes
   * to the others (`taskset`), as if the clients were other machines. Needs at least 2 cores.
   */
  pin: boolean;
  /** Node command-line flags for the node only (e.g. `--max-semi-space-size=64 --trace-gc`). */
  nodeFlags: string[];
}

export const USAGE = `Usage: npm run bench:visits -w bench [-- --no-build]

Knobs (environment variables):
  BENCH_VISITS_CONNECTIONS   sockets held at once, a multiple of 4 (default 10000)
  BENCH_VISITS_WORKERS       client processes (default 4)
  BENCH_VISITS_OPEN_RATE     new sockets per second, all workers (default 1000)
  BENCH_VISITS_MAX_PENDING   sockets opening at once per worker (default 100)
  BENCH_VISITS_IDLE_SECONDS  steady state with heartbeats only (default 30)
  BENCH_VISITS_RATE          signal messages per second, aggregate (default 5000)
  BENCH_VISITS_SECONDS       relay load per target, seconds (default 20)
  BENCH_VISITS_ROUNDS        relay rounds per target, alternating with the baseline (default 4)
  BENCH_VISITS_PAYLOAD       bytes per signal frame (default 1024)
  BENCH_VISITS_BROWSER       browser visits for the media setup time, 0 to skip (default 10)
  BENCH_VISITS_BASELINE      0 to skip the bare ws relay baseline (default 1)
  BENCH_VISITS_NO_BUILD      1 to skip \`npm run build\` (same as --no-build)
  BENCH_VISITS_PIN           1 pins the server under test to core 0 and the client processes to the
                             other cores (default 0: the kernel schedules)
  BENCH_VISITS_NODE_FLAGS    node command-line flags for the node only, space-separated
                             (e.g. --max-semi-space-size=64 --trace-gc; its log is in the work dir)
  BENCH_VISITS_SERVER_CPU_PROF  a folder: profile the node (node --cpu-prof) into it`;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

export function readOptions(env: NodeJS.ProcessEnv, argv: string[]): VisitBenchOptions {
  const unknown = argv.filter((a) => a !== '--no-build');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}\n\n${USAGE}`);
  const o: VisitBenchOptions = {
    connections: int(env, 'BENCH_VISITS_CONNECTIONS', 10_000, 4),
    workers: int(env, 'BENCH_VISITS_WORKERS', 4, 1),
    openRate: int(env, 'BENCH_VISITS_OPEN_RATE', 1000, 1),
    maxPending: int(env, 'BENCH_VISITS_MAX_PENDING', 100, 1),
    idleSeconds: int(env, 'BENCH_VISITS_IDLE_SECONDS', 30, 1),
    relayRate: int(env, 'BENCH_VISITS_RATE', 5000, 1),
    relaySeconds: int(env, 'BENCH_VISITS_SECONDS', 20, 1),
    rounds: int(env, 'BENCH_VISITS_ROUNDS', 4, 1),
    payloadBytes: int(env, 'BENCH_VISITS_PAYLOAD', 1024, 128),
    browserVisits: int(env, 'BENCH_VISITS_BROWSER', 10, 0),
    baseline: env.BENCH_VISITS_BASELINE?.trim() !== '0',
    build: !argv.includes('--no-build') && env.BENCH_VISITS_NO_BUILD?.trim() !== '1',
    serverCpuProf: env.BENCH_VISITS_SERVER_CPU_PROF?.trim() || undefined,
    pin: env.BENCH_VISITS_PIN?.trim() === '1' && os.cpus().length >= 2,
    nodeFlags: (env.BENCH_VISITS_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== ''),
  };
  if (o.connections % 4 !== 0) throw new Error('BENCH_VISITS_CONNECTIONS must be a multiple of 4');
  const clinicians = o.connections / 4;
  if (clinicians < o.workers) throw new Error('fewer clinicians (connections / 4) than workers');
  if (o.connections / o.workers > 18_000)
    throw new Error('more than 18,000 sockets per worker: the open-file limit is 20,000 per process');
  // The server closes a socket that sends more than 100 messages a second.
  const perSocket = o.relayRate / (clinicians * 2);
  if (perSocket > 90)
    throw new Error(
      `BENCH_VISITS_RATE asks ${perSocket.toFixed(0)} messages/s of each in-call socket; the server allows 100`,
    );
  return o;
}
