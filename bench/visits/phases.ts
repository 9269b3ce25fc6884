/**
 * The phases of the visit socket bench, each measured on one target (the node or the bare relay):
 * opening the sockets, the steady state with heartbeats, a relay round, and the rounds combined.
 * main.ts runs them in order; results.ts prints them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { VisitBenchOptions } from './options.js';
import { MachineCpu, mainThreadSched, ProcessCpu, rssBytes } from './proc.js';
import type { SocketSpec, Target, TargetKind } from './protocol.js';
import {
  latencyOf,
  QUIET_OTHERS,
  type CpuShare,
  type GcShare,
  type OpenResult,
  type RelayResult,
  type RelayRound,
  type SteadyResult,
} from './results.js';
import { merge, sumCounters, type Worker } from './workers.js';

/** Mean interval of each client's `{t:'ping'}` (jittered ±25% in the worker). */
const CLIENT_PING_MS = 20_000;
const READY_TIMEOUT_MS = 20_000;
const DRAIN_MS = 5_000;
const SETTLE_MS = 5_000;

export const fmt = (n: number | undefined, d = 0) =>
  n !== undefined && Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : '—';
const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 1);

/** One target as the bench measures it: its process, its CPU meter, its metrics (OpenVisit). */
export interface Subject {
  kind: TargetKind;
  name: string;
  target: Target;
  pid: number;
  /** CPU of the server, and of its PostgreSQL when it has one. */
  meter(): { start(): void; stop(): { server: number; postgres?: number } };
  metrics?: () => Promise<Map<string, number>>;
}

/** The servers under test (the node, the bare relay): the one not measured is not "the rest". */
export const serverPids = new Set<number>();

/** CPU of everything over an interval: the subject, the clients, the bench, the whole machine. */
export function measureCpu(subject: Subject, workers: Worker[]): { stop(): CpuShare } {
  const server = subject.meter();
  const clients = new ProcessCpu(workers.map((w) => w.pid)).start();
  const otherServer = new ProcessCpu([...serverPids].filter((p) => p !== subject.pid)).start();
  const machine = new MachineCpu().start();
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const sched0 = mainThreadSched(subject.pid);
  server.start();
  return {
    stop() {
      const s = server.stop();
      const c = clients.stop().total;
      const m = machine.stop();
      const seconds = (performance.now() - t0) / 1000;
      const selfUsage = process.cpuUsage(self0);
      const self = (selfUsage.user + selfUsage.system) / 1e6 / seconds;
      const sched = mainThreadSched(subject.pid);
      const other = otherServer.stop().total;
      return {
        server: s.server,
        ...(s.postgres !== undefined ? { postgres: s.postgres } : {}),
        clients: c,
        machine: m,
        others: Math.max(0, m - s.server - (s.postgres ?? 0) - c - self - other),
        serverWaitMs: (sched.waitMs - sched0.waitMs) / seconds,
        serverPreempted: (sched.preempted - sched0.preempted) / seconds,
      };
    },
  };
}

/**
 * The Prometheus samples of the node, by name (the first sample of each) and by name with labels
 * sorted by name (`nodejs_gc_duration_seconds_bucket{kind="major",le="0.1"}`).
 */
export async function metricsOf(origin: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m?.[1]) continue;
    if (!out.has(m[1])) out.set(m[1], Number(m[3]));
    // Labels sorted by name, so that a key does not depend on the order they were printed in.
    if (m[2]) out.set(`${m[1]}{${m[2].slice(1, -1).split(',').sort().join(',')}}`, Number(m[3]));
  }
  return out;
}

/** The node's garbage collections between two scrapes. */
export function gcBetween(a: Map<string, number>, b: Map<string, number>): GcShare {
  const d = (name: string) => (b.get(name) ?? 0) - (a.get(name) ?? 0);
  const of = (kind: string) => ({
    count: d(`nodejs_gc_duration_seconds_count{kind="${kind}"}`),
    ms: d(`nodejs_gc_duration_seconds_sum{kind="${kind}"}`) * 1000,
  });
  return {
    major: {
      ...of('major'),
      over100ms:
        d('nodejs_gc_duration_seconds_count{kind="major"}') -
        d('nodejs_gc_duration_seconds_bucket{kind="major",le="0.1"}'),
    },
    minor: of('minor'),
    incremental: of('incremental'),
  };
}

export async function openSockets(
  o: VisitBenchOptions,
  subject: Subject,
  workers: Worker[],
  specs: SocketSpec[][],
): Promise<OpenResult> {
  const n = specs.reduce((k, s) => k + s.length, 0);
  console.log(`\n[${subject.name}] opening ${fmt(n)} sockets at ${fmt(o.openRate)}/s …`);
  await sleep(SETTLE_MS);
  // Scraping resets the node's event loop delay histogram: the next read covers the opening.
  const heapBefore = (await subject.metrics?.())?.get('nodejs_heap_size_used_bytes');
  const rssBefore = rssBytes(subject.pid);
  const cpu = measureCpu(subject, workers);
  const opened = await Promise.all(
    workers.map((w, i) =>
      w.request(
        {
          cmd: 'open',
          target: subject.target,
          specs: specs[i] ?? [],
          rate: o.openRate / workers.length,
          maxPending: o.maxPending,
          readyTimeoutMs: READY_TIMEOUT_MS,
          pingMs: CLIENT_PING_MS,
        },
        'opened',
        (n / o.openRate) * 1000 + READY_TIMEOUT_MS + 120_000,
      ),
    ),
  );
  const openCpu = cpu.stop();
  const serverCores = openCpu.server;
  const rssOpen = rssBytes(subject.pid);
  const lag = (await subject.metrics?.())?.get('nodejs_eventloop_lag_max_seconds');
  const helloSamples = merge(opened.map((r) => r.helloMs));
  const counters = sumCounters(opened.map((r) => r.counters));
  const firstFailure = opened.find((r) => r.firstFailure)?.firstFailure;
  const result: OpenResult = {
    connections: n,
    seconds: Math.max(...opened.map((r) => r.seconds)),
    ready: opened.reduce((k, r) => k + r.ready, 0),
    failed: opened.reduce((k, r) => k + r.failed, 0),
    ...(firstFailure ? { firstFailure } : {}),
    connect: latencyOf(merge(opened.map((r) => r.connectMs))),
    ...(helloSamples.length ? { hello: latencyOf(helloSamples) } : {}),
    ...(subject.kind === 'openvisit'
      ? {
          waits: { got: counters.waits, expected: opened.reduce((k, r) => k + r.waitsExpected, 0) },
          queues: { got: counters.queueUpdates, expected: opened.reduce((k, r) => k + r.queuesExpected, 0) },
        }
      : {}),
    rssBefore,
    rssOpen,
    ...(heapBefore !== undefined ? { heapBefore } : {}),
    serverCores,
    cpu: openCpu,
    ...(lag !== undefined ? { eventLoopDelayMaxMs: lag * 1000 } : {}),
  };
  console.log(
    `  ${fmt(result.ready)} ready, ${result.failed} failed in ${fmt(result.seconds, 1)} s; connect p50 ${fmt(result.connect.p50, 2)} ms p99 ${fmt(result.connect.p99, 2)} ms` +
      (result.hello
        ? `; hello → welcome p50 ${fmt(result.hello.p50, 2)} ms p99 ${fmt(result.hello.p99, 2)} ms`
        : '') +
      `; server ${fmt(serverCores * 100, 0)}% of a core` +
      (lag !== undefined ? ` (event loop delay max ${fmt(lag * 1000, 0)} ms)` : '') +
      (openCpu.postgres !== undefined ? `, PostgreSQL ${fmt(openCpu.postgres * 100, 0)}%` : '') +
      `, clients ${fmt(openCpu.clients * 100, 0)}%, rest of the machine ${fmt(openCpu.others * 100, 0)}%` +
      `, RSS ${mb(rssBefore)} → ${mb(rssOpen)} MB; fds per client process ${opened.map((r) => r.openFiles).join('/')}`,
  );
  if (firstFailure) console.log(`  first failure: ${firstFailure}`);
  return result;
}

export async function steadyState(
  o: VisitBenchOptions,
  subject: Subject,
  workers: Worker[],
  open: OpenResult,
): Promise<SteadyResult> {
  console.log(`  steady state: ${o.idleSeconds} s with heartbeats only …`);
  await subject.metrics?.(); // resets the event loop delay histogram
  const cpu = measureCpu(subject, workers);
  await sleep(o.idleSeconds * 1000);
  const share = cpu.stop();
  const rss = rssBytes(subject.pid);
  const metrics = await subject.metrics?.();
  const heap = metrics?.get('nodejs_heap_size_used_bytes');
  const gauge = metrics?.get('visit_connections');
  const lag = metrics?.get('nodejs_eventloop_lag_max_seconds');
  console.log(
    `  server ${fmt(share.server * 100, 1)}% of a core` +
      (share.postgres !== undefined ? `, PostgreSQL ${fmt(share.postgres * 100, 1)}%` : '') +
      (lag !== undefined ? ` (event loop delay max ${fmt(lag * 1000, 0)} ms)` : '') +
      `, clients ${fmt(share.clients * 100, 1)}%, rest of the machine ${fmt(share.others * 100, 0)}%; ` +
      `RSS ${mb(rss)} MB (${fmt((rss - open.rssBefore) / open.ready / 1024, 1)} KB per socket)` +
      (gauge !== undefined ? `; the node counts ${fmt(gauge)} visit_connections` : ''),
  );
  return {
    seconds: o.idleSeconds,
    cpu: share,
    rss,
    ...(heap !== undefined ? { heap } : {}),
    ...(gauge !== undefined ? { gaugeConnections: gauge } : {}),
    ...(lag !== undefined ? { eventLoopDelayMaxMs: lag * 1000 } : {}),
  };
}

export async function relayRound(
  o: VisitBenchOptions,
  subject: Subject,
  workers: Worker[],
  seconds: number,
): Promise<{ round: RelayRound; samples: Float64Array }> {
  const before = await subject.metrics?.(); // also resets the event loop delay histogram
  const cpu = measureCpu(subject, workers);
  const relayed = await Promise.all(
    workers.map((w) =>
      w.request(
        {
          cmd: 'relay',
          target: subject.kind,
          rate: o.relayRate / workers.length,
          seconds,
          payloadBytes: o.payloadBytes,
          drainMs: DRAIN_MS,
        },
        'relayed',
        seconds * 1000 + DRAIN_MS + 60_000,
      ),
    ),
  );
  const share = cpu.stop();
  const after = await subject.metrics?.();
  const lag = after?.get('nodejs_eventloop_lag_max_seconds');
  const gc =
    before && after && after.has('nodejs_gc_duration_seconds_sum') ? gcBetween(before, after) : undefined;
  const samples = merge(relayed.map((r) => r.latencyMs));
  const round: RelayRound = {
    sent: relayed.reduce((k, r) => k + r.sent, 0),
    received: relayed.reduce((k, r) => k + r.received, 0),
    corrupt: relayed.reduce((k, r) => k + r.corrupt, 0),
    sendSeconds: Math.max(...relayed.map((r) => r.sendSeconds)),
    latency: latencyOf(samples),
    cpu: share,
    ...(lag !== undefined ? { eventLoopDelayMaxMs: lag * 1000 } : {}),
    ...(gc ? { gc } : {}),
  };
  const l = round.latency;
  console.log(
    `  ${subject.name}: ${fmt(round.received)}/${fmt(round.sent)} delivered at ${fmt(round.received / round.sendSeconds)}/s; ` +
      `p50 ${fmt(l.p50, 2)} p90 ${fmt(l.p90, 2)} p99 ${fmt(l.p99, 2)} max ${fmt(l.max, 2)} ms; ` +
      `server ${fmt(share.server * 100, 0)}% of a core` +
      (lag !== undefined ? ` (event loop delay max ${fmt(lag * 1000, 0)} ms)` : '') +
      `, clients ${fmt(share.clients * 100, 0)}%, rest of the machine ${fmt(share.others * 100, 0)}%` +
      `; server main thread waited for a CPU ${fmt(share.serverWaitMs, 1)} ms/s (${fmt(share.serverPreempted)} preemptions/s)` +
      (gc
        ? `; GC: ${fmt(gc.minor.count)} minor ${fmt(gc.minor.ms)} ms, ${fmt(gc.incremental.count)} incremental ${fmt(gc.incremental.ms)} ms, ` +
          `${fmt(gc.major.count)} major ${fmt(gc.major.ms)} ms (${fmt(gc.major.over100ms)} over 100 ms)`
        : ''),
  );
  return { round, samples };
}

export function combine(rounds: { round: RelayRound; samples: Float64Array }[]): RelayResult {
  const sent = rounds.reduce((k, r) => k + r.round.sent, 0);
  const received = rounds.reduce((k, r) => k + r.round.received, 0);
  const seconds = rounds.reduce((k, r) => k + r.round.sendSeconds, 0);
  const weighted = (f: (c: CpuShare) => number | undefined) =>
    rounds.reduce((k, r) => k + (f(r.round.cpu) ?? 0) * r.round.sendSeconds, 0) / seconds;
  const hasPg = rounds.some((r) => r.round.cpu.postgres !== undefined);
  const quiet = rounds.filter((r) => r.round.cpu.others < QUIET_OTHERS);
  return {
    sent,
    received,
    lost: sent - received,
    corrupt: rounds.reduce((k, r) => k + r.round.corrupt, 0),
    rate: received / seconds,
    latency: latencyOf(merge(rounds.map((r) => r.samples))),
    rounds: rounds.map((r) => r.round),
    quiet: { rounds: quiet.length, latency: latencyOf(merge(quiet.map((r) => r.samples))) },
    cpu: {
      server: weighted((c) => c.server),
      ...(hasPg ? { postgres: weighted((c) => c.postgres) } : {}),
      clients: weighted((c) => c.clients),
      machine: weighted((c) => c.machine),
      others: weighted((c) => c.others),
      serverWaitMs: weighted((c) => c.serverWaitMs),
      serverPreempted: weighted((c) => c.serverPreempted),
    },
  };
}
