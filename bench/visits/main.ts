/**
 * Visit socket benchmark (issue: "one node holds 10,000 concurrent authenticated waiting-room and
 * visit WebSocket connections with heartbeats … relays signaling messages with p99 ≤ 10 ms at 5,000
 * messages/s; baseline in the same run: a bare `ws` relay … media setup time p50/p90 over 10 browser
 * visits"). visits/README.md says what each figure means.
 *
 * 1. Starts the built `openvisit start` (security on, embedded PostgreSQL) as its own process, so
 *    its memory and CPU are read from /proc alone, and loads clinicians, patients and visits.
 * 2. Client processes (worker.ts) open the sockets at a bounded rate, each with a ticket minted by
 *    the server's VisitTickets under the server's own keyring key (the bench is trusted like an
 *    operator; the server still checks the HMAC and reads the visit at hello), and hold them with
 *    heartbeats: time to open, hello → welcome, memory per socket, steady-state CPU.
 * 3. The same for the baseline, a bare `ws` relay in its own process (baseline-relay.ts).
 * 4. Relay rounds at the set rate, alternating OpenVisit and the baseline (the host is shared, and
 *    its other load drifts: alternating keeps both under the same conditions).
 * 5. Browser visits (Chromium, fake media) while the node still holds its sockets.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { VisitTickets } from '../../server/src/modules/visits/tickets/visit-tickets.js';
import { loadKeyring } from '../../server/src/platform/crypto/keyring.js';
import { Database } from '../../server/src/platform/db/pool.js';
import { ensureTenant } from '../../server/src/platform/db/tenants.js';
import { BenchAccess, type TokenSource } from '../lib/access.js';
import { Client } from '../lib/http.js';
import { startOpenVisit, type RunningServer } from '../lib/openvisit.js';
import { CpuMeter } from '../lib/proc-cpu.js';
import { browserVisits, type BrowserVisitResult } from './browser.js';
import { createBenchData } from './data.js';
import { readOptions, USAGE } from './options.js';
import {
  combine,
  fmt,
  metricsOf,
  openSockets,
  relayRound,
  serverPids,
  steadyState,
  type Subject,
} from './phases.js';
import { maxOpenFiles, pinTo, ProcessCpu } from './proc.js';
import type { TargetKind } from './protocol.js';
import {
  printSummary,
  type OpenResult,
  type RelayRound,
  type SteadyResult,
  type TargetResult,
} from './results.js';
import { socketsOf, sumCounters, Worker } from './workers.js';

const VISITS_DIR = path.dirname(fileURLToPath(import.meta.url));
const BENCH_DIR = path.resolve(VISITS_DIR, '..');
const REPO_ROOT = path.resolve(BENCH_DIR, '..');
const RESULTS = path.join(BENCH_DIR, 'results');

/** The bare relay in its own process; resolves with its port once it listens. */
async function startBaseline(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(VISITS_DIR, 'baseline-relay.ts')], {
    cwd: BENCH_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own session, as the node has (lib/openvisit.ts): the kernel's autogroup scheduling then
    // treats both servers alike, apart from the bench and its client processes.
    detached: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the baseline relay did not start in 30 s')), 30_000);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the baseline relay exited with ${code}`)));
  });
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if ((await Promise.race([exited, sleep(10_000).then(() => 'timeout')])) === 'timeout')
    child.kill('SIGKILL');
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const o = readOptions(process.env, process.argv.slice(2));
  if (o.build) execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  console.log(
    `Visit socket bench: ${fmt(o.connections)} sockets over ${o.workers} client processes, opened at ${fmt(o.openRate)}/s; ` +
      `${o.idleSeconds} s steady state; relay ${fmt(o.relayRate)} messages/s of ${fmt(o.payloadBytes)} bytes, ` +
      `${o.rounds} × ${fmt(o.relaySeconds / o.rounds, 1)} s per target${o.baseline ? ', alternating with the bare ws relay' : ''}; ` +
      `${o.browserVisits} browser visits. ${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(2)}; ` +
      `this process's open-file limit ${maxOpenFiles('self')}.`,
  );

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-bench-visits-'));
  fs.chmodSync(workDir, 0o755);
  let server: RunningServer | null = null;
  let access: BenchAccess | null = null;
  let db: Database | null = null;
  let baseline: ChildProcess | null = null;
  const workers: Worker[] = [];
  const tokens: TokenSource[] = [];
  const held = new Set<TargetKind>();
  try {
    console.log(`Starting OpenVisit (work dir ${workDir}) …`);
    server = await startOpenVisit({
      repoRoot: REPO_ROOT,
      workDir,
      logLevel: 'warn',
      ...(o.serverCpuProf ? { cpuProfDir: o.serverCpuProf } : {}),
      ...(o.nodeFlags.length > 0 ? { nodeFlags: o.nodeFlags } : {}),
      // One node: no NATS, no SFU, no STUN/TURN (browsers on loopback connect directly).
      env: {
        RATE_LIMIT_CLIENT_RPS: '1000000',
        RATE_LIMIT_TENANT_RPS: '1000000',
        NATS_URL: '',
        STUN_URLS: '',
        TURN_URLS: '',
        TURN_SECRET: '',
        JANUS_URL: '',
      },
    });
    const node = server;
    serverPids.add(node.pid);
    if (o.pin) pinTo(node.pid, '0');
    console.log(
      `  pid ${node.pid}, open-file limit ${maxOpenFiles(node.pid)}${o.pin ? ', pinned to core 0 (its PostgreSQL is not)' : ''}`,
    );
    access = await BenchAccess.open(node);
    db = new Database(node.databaseUrl, { max: 4 });
    const tenantId = await ensureTenant(db, process.env.OPENVISIT_TENANT || 'default');
    const backend = await access.backend('system/*.cruds');
    tokens.push(backend);
    const fhir = new Client(node.origin, 4, backend.token);
    console.log('Loading clinicians, patients and visits …');
    const data = await createBenchData({
      db,
      tenantId,
      fhir,
      fhirPath: node.fhirPath,
      clinicians: o.connections / 4,
      browserVisits: o.browserVisits,
    });
    await fhir.close();
    for (const t of tokens) t.stop();
    tokens.length = 0;
    await access.close();
    access = null;
    await db.close();
    db = null;
    // The key the node signs and checks tickets with: the first key of its keyring.
    const ticketKey = loadKeyring({ env: process.env, dataDir: node.dataDir })[0]?.key;
    if (!ticketKey) throw new Error('the keyring is empty');

    const clientCores = `1-${os.cpus().length - 1}`;
    for (let i = 0; i < o.workers; i++) {
      const w = await Worker.start(i);
      workers.push(w);
      if (o.pin) pinTo(w.pid, clientCores);
    }
    console.log(
      `  ${o.workers} client processes, open-file limit ${workers.map((w) => w.maxOpenFiles).join('/')}, ${fmt(o.connections / o.workers)} sockets each` +
        (o.pin ? `, pinned to core(s) ${clientCores}` : ''),
    );
    const specs = socketsOf(data, o.workers);
    const wsUrl = `${node.origin.replace(/^http/, 'ws')}/api/visits/live`;

    const openvisit: Subject = {
      kind: 'openvisit',
      name: 'OpenVisit',
      target: { kind: 'openvisit', url: wsUrl, ticketKey: ticketKey.toString('base64'), tenantId },
      pid: node.pid,
      meter: () => {
        const m = new CpuMeter(node.pid, node.pgDataDir);
        return {
          start: () => m.start(),
          stop: () => {
            const r = m.stop();
            return {
              server: r.serverCores,
              ...(r.postgresCores !== undefined ? { postgres: r.postgresCores } : {}),
            };
          },
        };
      },
      metrics: () => metricsOf(node.origin),
    };
    held.add('openvisit');
    const ovOpen = await openSockets(o, openvisit, workers, specs);
    const ovSteady = await steadyState(o, openvisit, workers, ovOpen);

    let bare: Subject | null = null;
    let baseOpen: OpenResult | null = null;
    let baseSteady: SteadyResult | null = null;
    if (o.baseline) {
      const relay = await startBaseline();
      baseline = relay.child;
      const pid = relay.child.pid ?? 0;
      serverPids.add(pid);
      if (o.pin) pinTo(pid, '0');
      bare = {
        kind: 'baseline',
        name: 'bare ws relay',
        target: { kind: 'baseline', url: `ws://127.0.0.1:${relay.port}` },
        pid,
        meter: () => {
          const m = new ProcessCpu([pid]);
          return { start: () => void m.start(), stop: () => ({ server: m.stop().total }) };
        },
        metrics: async () => {
          const res = await fetch(`http://127.0.0.1:${relay.port}/memory`);
          const m = (await res.json()) as { heapUsed: number };
          return new Map([['nodejs_heap_size_used_bytes', m.heapUsed]]);
        },
      };
      held.add('baseline');
      baseOpen = await openSockets(o, bare, workers, specs);
      baseSteady = await steadyState(o, bare, workers, baseOpen);
    }

    const roundSeconds = o.relaySeconds / o.rounds;
    console.log(
      `\nRelay: ${fmt(o.relayRate)} signal messages/s of ${fmt(o.payloadBytes)} bytes, ${o.rounds} round(s) of ${fmt(roundSeconds, 1)} s per target${bare ? ', alternating' : ''} …`,
    );
    const ovRounds: { round: RelayRound; samples: Float64Array }[] = [];
    const baseRounds: { round: RelayRound; samples: Float64Array }[] = [];
    for (let r = 0; r < o.rounds; r++) {
      ovRounds.push(await relayRound(o, openvisit, workers, roundSeconds));
      if (bare) baseRounds.push(await relayRound(o, bare, workers, roundSeconds));
    }

    let base: TargetResult | null = null;
    if (bare && baseOpen && baseSteady && baseline) {
      const counters = await Promise.all(
        workers.map((w) => w.request({ cmd: 'counters', target: 'baseline' }, 'counters', 10_000)),
      );
      await Promise.all(
        workers.map((w) => w.request({ cmd: 'close', target: 'baseline' }, 'closed', 30_000)),
      );
      held.delete('baseline');
      await stopChild(baseline);
      baseline = null;
      base = {
        name: bare.name,
        open: baseOpen,
        steady: baseSteady,
        relay: combine(baseRounds),
        counters: sumCounters(counters.map((c) => c.counters)),
      };
    }

    const media: BrowserVisitResult[] = [];
    let mediaError: string | undefined;
    if (data.browserVisits.length > 0) {
      console.log(
        `\nMedia setup: ${data.browserVisits.length} browser visits, one after the other, while the node holds its sockets …`,
      );
      try {
        await browserVisits({
          visits: data.browserVisits,
          wsUrl,
          tenantId,
          tickets: new VisitTickets(ticketKey),
          log: (l) => console.log(l),
          results: media,
        });
      } catch (err) {
        mediaError = err instanceof Error ? err.message : String(err);
        console.log(`  failed: ${mediaError}`);
      }
    }

    const ovCounters = await Promise.all(
      workers.map((w) => w.request({ cmd: 'counters', target: 'openvisit' }, 'counters', 10_000)),
    );
    console.log('\nClosing the sockets …');
    await Promise.all(workers.map((w) => w.request({ cmd: 'close', target: 'openvisit' }, 'closed', 30_000)));
    held.delete('openvisit');
    const ov: TargetResult = {
      name: openvisit.name,
      open: ovOpen,
      steady: ovSteady,
      relay: combine(ovRounds),
      counters: sumCounters(ovCounters.map((c) => c.counters)),
    };
    const early = node.exitedEarly();
    if (early) throw new Error(early);
    const warnings = fs
      .readFileSync(node.logFile, 'utf8')
      .split('\n')
      .filter((l) => /"level":(40|50|60)/.test(l));
    console.log(
      `  the node logged ${warnings.length} warnings or errors${warnings[0] ? ` (first: ${warnings[0].slice(0, 300)})` : ''}`,
    );

    const ok = printSummary(o, ov, base, media, mediaError);
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(
      path.join(RESULTS, 'visits-latest.json'),
      `${JSON.stringify({ at: new Date().toISOString(), options: o, openvisit: ov, baseline: base, media, mediaError, nodeWarnings: warnings.length }, null, 2)}\n`,
    );
    console.log(
      `Results in bench/results/visits-latest.json (${ok ? 'every target met' : 'a target missed'}).`,
    );
    return 0;
  } catch (err) {
    if (server) {
      fs.mkdirSync(RESULTS, { recursive: true });
      const lines = fs.readFileSync(server.logFile, 'utf8').split('\n').slice(-2000).join('\n');
      fs.writeFileSync(path.join(RESULTS, 'visits-failed-run.log'), lines);
      console.error('The node log (last 2,000 lines) is in bench/results/visits-failed-run.log');
    }
    throw err;
  } finally {
    // Sockets still open are closed by their workers' exit.
    if (held.size > 0) console.log('Stopping the client processes …');
    for (const w of workers) w.stop();
    if (baseline) await stopChild(baseline);
    for (const t of tokens) t.stop();
    await db?.close().catch(() => undefined);
    await access?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
