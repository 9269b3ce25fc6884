/** What the bench measures of each target, and the summary it prints. */
import os from 'node:os';
import { percentile } from '../lib/stats.js';
import type { BrowserVisitResult } from './browser.js';
import type { VisitBenchOptions } from './options.js';
import type { Counters } from './protocol.js';

export const TARGET_P99_MS = 10;
/** A relay round counts as quiet when the rest of the host used less than this (cores). */
export const QUIET_OTHERS = 0.25;

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  n: number;
}

export function latencyOf(sorted: Float64Array): Latency {
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    n: sorted.length,
  };
}

/** CPU over an interval, in cores (1.0 = one core busy). */
export interface CpuShare {
  server: number;
  /** OpenVisit's PostgreSQL (postmaster and backends). */
  postgres?: number;
  /** The client processes together. */
  clients: number;
  /** Every core of the machine that was busy. */
  machine: number;
  /** Busy, but not the server, PostgreSQL, the clients or the bench: other work on the host. */
  others: number;
  /** The server's main thread: ms it was runnable but waiting for a CPU, and times it was preempted. */
  serverWaitMs: number;
  serverPreempted: number;
}

/** Opening the sockets of one target. */
export interface OpenResult {
  connections: number;
  seconds: number;
  ready: number;
  failed: number;
  firstFailure?: string;
  connect: Latency;
  hello?: Latency;
  waits?: { got: number; expected: number };
  queues?: { got: number; expected: number };
  rssBefore: number;
  rssOpen: number;
  heapBefore?: number;
  serverCores: number;
  cpu: CpuShare;
  eventLoopDelayMaxMs?: number;
}

/** The sockets held with heartbeats only. */
export interface SteadyResult {
  seconds: number;
  cpu: CpuShare;
  rss: number;
  heap?: number;
  /** The node's own count (`visit_connections`). */
  gaugeConnections?: number;
  eventLoopDelayMaxMs?: number;
}

/** One relay round of one target. */
export interface RelayRound {
  sent: number;
  received: number;
  corrupt: number;
  sendSeconds: number;
  latency: Latency;
  cpu: CpuShare;
  eventLoopDelayMaxMs?: number;
  /** The node's garbage collections during the round (prom-client's nodejs_gc_duration_seconds). */
  gc?: GcShare;
}

export interface GcShare {
  major: { count: number; ms: number; over100ms: number };
  minor: { count: number; ms: number };
  incremental: { count: number; ms: number };
}

export interface RelayResult {
  sent: number;
  received: number;
  lost: number;
  corrupt: number;
  /** Messages delivered per second of sending. */
  rate: number;
  latency: Latency;
  rounds: RelayRound[];
  /** Time-weighted over the rounds. */
  cpu: CpuShare;
  /** Over the rounds in which the rest of the host used less than QUIET_OTHERS. */
  quiet: { rounds: number; latency: Latency };
}

export interface TargetResult {
  name: string;
  open: OpenResult;
  steady: SteadyResult;
  relay: RelayResult;
  /** Counted over the whole time the sockets were held, up to their close. */
  counters: Counters;
}

const fmt = (n: number | undefined, d = 0) =>
  n !== undefined && Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : '—';
const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 1);
const pct = (cores: number | undefined) => fmt(cores === undefined ? undefined : cores * 100, 1);

export function failuresOf(t: TargetResult): number {
  const o = t.open;
  return (
    o.failed +
    t.counters.unexpectedCloses +
    t.counters.serverErrors +
    t.relay.lost +
    t.relay.corrupt +
    (o.waits ? o.waits.expected - o.waits.got : 0) +
    (o.queues ? o.queues.expected - o.queues.got : 0)
  );
}

export function rssPerSocketKb(t: TargetResult): number {
  return (t.steady.rss - t.open.rssBefore) / t.open.ready / 1024;
}

/** Prints the table and the targets; true when every target was met. */
export function printSummary(
  o: VisitBenchOptions,
  ov: TargetResult,
  base: TargetResult | null,
  media: BrowserVisitResult[],
  mediaError: string | undefined,
): boolean {
  const rows: string[][] = [];
  const row = (label: string, a: string, b = '', r = '') =>
    rows.push([label, a, base ? b : '', base ? r : '']);
  const ratio = (x: number, y: number | undefined) =>
    y === undefined || !Number.isFinite(x) || !y ? '' : `${fmt(x / y, 2)}×`;
  const both = (f: (t: TargetResult) => string) => [f(ov), base ? f(base) : ''] as const;
  row('sockets held (ready / asked)', ...both((t) => `${fmt(t.open.ready)} / ${fmt(t.open.connections)}`));
  row('time to open all (s)', ...both((t) => fmt(t.open.seconds, 1)));
  row(
    'connect p50 / p99 (ms)',
    ...both((t) => `${fmt(t.open.connect.p50, 2)} / ${fmt(t.open.connect.p99, 2)}`),
  );
  if (ov.open.hello)
    row(
      'hello → welcome p50 / p99 (ms)',
      `${fmt(ov.open.hello.p50, 2)} / ${fmt(ov.open.hello.p99, 2)}`,
      '(no hello)',
    );
  if (ov.open.waits)
    row(
      'waiting patients told their place (`wait`)',
      `${fmt(ov.open.waits.got)} / ${fmt(ov.open.waits.expected)}`,
    );
  if (ov.open.queues)
    row(
      'waiting-room views told the queue (`queue`)',
      `${fmt(ov.open.queues.got)} / ${fmt(ov.open.queues.expected)}`,
    );
  row('server CPU while opening (% of a core)', ...both((t) => pct(t.open.serverCores)));
  if (ov.open.cpu.postgres !== undefined) row('  … PostgreSQL CPU (% of a core)', pct(ov.open.cpu.postgres));
  row(`  … whole machine busy (cores of ${os.cpus().length})`, ...both((t) => fmt(t.open.cpu.machine, 2)));
  row('server RSS before → held (MB)', ...both((t) => `${mb(t.open.rssBefore)} → ${mb(t.steady.rss)}`));
  row(
    'server RSS per socket (KB)',
    ...both((t) => fmt(rssPerSocketKb(t), 1)),
    base ? ratio(rssPerSocketKb(ov), rssPerSocketKb(base)) : '',
  );
  const heapPerSocket = (t: TargetResult) =>
    t.open.heapBefore !== undefined && t.steady.heap !== undefined
      ? (t.steady.heap - t.open.heapBefore) / t.open.ready / 1024
      : Number.NaN;
  row(
    'server JS heap used per socket (KB)',
    ...both((t) => fmt(heapPerSocket(t), 1)),
    base ? ratio(heapPerSocket(ov), heapPerSocket(base)) : '',
  );
  row(
    `steady state, ${o.idleSeconds} s of heartbeats: server CPU (% of a core)`,
    ...both((t) => pct(t.steady.cpu.server)),
    base ? ratio(ov.steady.cpu.server, base.steady.cpu.server) : '',
  );
  if (ov.steady.cpu.postgres !== undefined)
    row('  … PostgreSQL CPU (% of a core)', pct(ov.steady.cpu.postgres));
  row('  … rest of the machine, not the bench (% of a core)', ...both((t) => pct(t.steady.cpu.others)));
  row(
    'heartbeats: server pings answered / client pings (pongs)',
    `${fmt(ov.counters.serverPings)} / ${fmt(ov.counters.pingsSent)} (${fmt(ov.counters.pongs)})`,
    base ? `${fmt(base.counters.serverPings)} / ${fmt(base.counters.pingsSent)} (relayed)` : '',
  );
  row('relay: delivered / sent', ...both((t) => `${fmt(t.relay.received)} / ${fmt(t.relay.sent)}`));
  row('relay: achieved rate (messages/s)', ...both((t) => fmt(t.relay.rate)));
  for (const k of ['p50', 'p90', 'p99', 'max'] as const)
    row(
      `relay latency ${k} (ms)`,
      ...both((t) => fmt(t.relay.latency[k], 2)),
      base ? ratio(ov.relay.latency[k], base.relay.latency[k]) : '',
    );
  row(
    'relay p99 per round (ms)',
    ...both((t) => t.relay.rounds.map((r) => fmt(r.latency.p99, 1)).join(', ')),
  );
  row(
    '  … rest of the machine per round (% of a core)',
    ...both((t) => t.relay.rounds.map((r) => fmt(r.cpu.others * 100)).join(', ')),
  );
  row(
    `relay p50 / p99 in quiet rounds only (rest < ${QUIET_OTHERS * 100}% of a core)`,
    ...both((t) =>
      t.relay.quiet.rounds
        ? `${fmt(t.relay.quiet.latency.p50, 2)} / ${fmt(t.relay.quiet.latency.p99, 2)} (${t.relay.quiet.rounds} of ${t.relay.rounds.length})`
        : `none of ${t.relay.rounds.length}`,
    ),
    base && ov.relay.quiet.rounds && base.relay.quiet.rounds
      ? `${ratio(ov.relay.quiet.latency.p50, base.relay.quiet.latency.p50)} / ${ratio(ov.relay.quiet.latency.p99, base.relay.quiet.latency.p99)}`
      : '',
  );
  row(
    'server CPU while relaying (% of a core)',
    ...both((t) => pct(t.relay.cpu.server)),
    base ? ratio(ov.relay.cpu.server, base.relay.cpu.server) : '',
  );
  if (ov.relay.cpu.postgres !== undefined)
    row('  … PostgreSQL CPU (% of a core)', pct(ov.relay.cpu.postgres));
  row('  … client processes CPU (% of a core)', ...both((t) => pct(t.relay.cpu.clients)));
  row(`  … whole machine busy (cores of ${os.cpus().length})`, ...both((t) => fmt(t.relay.cpu.machine, 2)));
  row('  … rest of the machine, not the bench (cores)', ...both((t) => fmt(t.relay.cpu.others, 2)));
  row(
    'server main thread waiting for a CPU while relaying (ms per s)',
    ...both((t) => fmt(t.relay.cpu.serverWaitMs, 1)),
    base ? ratio(ov.relay.cpu.serverWaitMs, base.relay.cpu.serverWaitMs) : '',
  );
  row('failures', ...both((t) => fmt(failuresOf(t))));

  const header = ['', 'OpenVisit', base ? 'bare ws relay' : '', base ? 'OpenVisit / bare' : ''];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    `  ${(r[0] ?? '').padEnd(widths[0] ?? 0)}  ${(r[1] ?? '').padStart(widths[1] ?? 0)}  ${(r[2] ?? '').padStart(widths[2] ?? 0)}  ${(r[3] ?? '').padStart(widths[3] ?? 0)}`;
  console.log(`\n${'='.repeat(110)}`);
  console.log(
    `Visit sockets: ${fmt(ov.open.connections)} sockets on one node (${fmt(ov.open.connections / 4)} clinicians × [their visit in progress: clinician + patient; their waiting patient; their waiting-room view]), ${o.workers} client processes, ${os.cpus().length} cores`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const problems = [
    ov.open.firstFailure,
    ov.counters.firstProblem,
    base?.open.firstFailure,
    base?.counters.firstProblem,
  ].filter(Boolean);
  if (problems.length) console.log(`  first problems: ${problems.join(' | ')}`);

  if (media.length) {
    const sorted = Float64Array.from(media.map((m) => m.setupMs)).sort();
    const side = (k: 'clinician' | 'patient') =>
      Float64Array.from(media.map((m) => m[k].firstFrameMs)).sort();
    console.log(
      `\nMedia setup, ${media.length} browser visits (hello → first decoded remote video frame, the later of the two sides): p50 ${fmt(percentile(sorted, 0.5))} ms, p90 ${fmt(percentile(sorted, 0.9))} ms`,
    );
    console.log(`  each visit: ${media.map((m) => fmt(m.setupMs)).join(', ')} ms`);
    console.log(
      `  clinician (offerer) p50 ${fmt(percentile(side('clinician'), 0.5))} ms; patient p50 ${fmt(percentile(side('patient'), 0.5))} ms`,
    );
  }
  if (mediaError) console.log(`\nMedia setup: failed after ${media.length} visits: ${mediaError}`);

  const heldOk = ov.open.ready === o.connections && failuresOf(ov) === 0;
  const rateOk = ov.relay.rate >= o.relayRate * 0.98 && ov.relay.lost === 0;
  const p99Ok = ov.relay.latency.p99 <= TARGET_P99_MS;
  const mediaOk = media.length === o.browserVisits && !mediaError;
  console.log('\nTargets:');
  console.log(
    `  ${heldOk ? 'PASS' : 'MISS'}  one node holds ${fmt(o.connections)} authenticated sockets with heartbeats, 0 failures (${fmt(ov.open.ready)} held, ${fmt(failuresOf(ov))} failures)`,
  );
  console.log(
    `  ${rateOk && p99Ok ? 'PASS' : 'MISS'}  relay p99 ≤ ${TARGET_P99_MS} ms at ${fmt(o.relayRate)} messages/s (p99 ${fmt(ov.relay.latency.p99, 2)} ms at ${fmt(ov.relay.rate)}/s)`,
  );
  if (o.browserVisits > 0)
    console.log(
      `  ${mediaOk ? 'DONE' : 'MISS'}  media setup over ${o.browserVisits} browser visits (no target: reported)`,
    );
  console.log('='.repeat(110));
  return heldOk && rateOk && p99Ok && (o.browserVisits === 0 || mediaOk);
}
