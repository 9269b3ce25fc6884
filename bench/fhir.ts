/**
 * OpenVisit FHIR benchmark: starts the server on a fresh database, loads the data set through the
 * API, measures the raw PostgreSQL select rate as the baseline, then runs each scenario at fixed
 * concurrency for a fixed time. See README.md.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE, type BenchArgs } from './lib/args.js';
import { measureBaseline } from './lib/baseline.js';
import { DataSet } from './lib/data.js';
import { BenchAccess } from './lib/access.js';
import { Client } from './lib/http.js';
import { type LoadedData, loadData, loadedFromDatabase } from './lib/load.js';
import { startOpenVisit, type RunningServer } from './lib/openvisit.js';
import { CpuMeter } from './lib/proc-cpu.js';
import { psql } from './lib/psql.js';
import { baselineLine, detailTable, resultsTable, type Row } from './lib/report.js';
import { Rng } from './lib/rng.js';
import { runScenario } from './lib/run-scenario.js';
import { scenarios } from './lib/scenarios.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIR, '..');

function sizes(scale: number) {
  return {
    patients: Math.max(100, Math.round(100_000 * scale)),
    observations: Math.max(1000, Math.round(1_000_000 * scale)),
    observationPatients: Math.max(10, Math.round(10_000 * scale)),
  };
}

function mean(xs: number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

async function bench(args: BenchArgs, server: RunningServer): Promise<void> {
  const size = sizes(args.scale);
  const rng = new Rng(args.seed);
  const data = new DataSet(rng, size.patients);
  // The server runs as deployed, security on: the bench is a SMART Backend Services client.
  const access = await BenchAccess.open(server);
  const service = await access.backend('system/*.cruds');
  const client = new Client(server.origin, Math.max(args.concurrency, args.loadConcurrency), service.token);
  try {
    const what = `${size.patients} Patients and ${size.observations} Observations (over ${size.observationPatients} patients), scale ${args.scale}`;
    let loaded: LoadedData;
    if (args.reuse) {
      console.log(`\nReusing the data of ${args.reuse} (${what}); load rates not measured`);
      loaded = await loadedFromDatabase((sql) => psql(server.databaseUrl, sql), size);
    } else {
      console.log(`\nLoading ${what}`);
      loaded = await loadData(client, data, size, {
        batch: args.loadBatch,
        concurrency: args.loadConcurrency,
        fhirPath: server.fhirPath,
      });
      console.log(
        `Loaded: Patients ${Math.round(loaded.patients.perSecond)}/s, Observations ${Math.round(loaded.observations.perSecond)}/s ` +
          `(transaction Bundles of ${args.loadBatch}, ${args.loadConcurrency} in flight)`,
      );
    }

    // Bulk loads leave planner statistics stale until autovacuum gets to them; settle them now so
    // autoanalyze does not run in the middle of a measurement.
    const t0 = performance.now();
    await psql(server.databaseUrl, 'VACUUM (ANALYZE)');
    console.log(`VACUUM (ANALYZE) after the load: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    console.log(`\nBaseline: pgbench -S, ${args.concurrency} clients, ${args.baselineSeconds} s …`);
    const baseline = await measureBaseline(server.adminUrl, {
      clients: args.concurrency,
      threads: 2,
      seconds: args.baselineSeconds,
      scale: 10,
    });
    console.log(`  ${Math.round(baseline.selectsPerSecond)} selects/s`);

    const rows: Row[] = [];
    const meter = new CpuMeter(server.pid, server.pgDataDir);
    for (const sc of scenarios(server.fhirPath, rng, data, loaded)) {
      if (args.only && !args.only.some((w) => sc.name.toLowerCase().includes(w))) continue;
      console.log(`\n${sc.name}: ${sc.description}`);
      console.log(`  ${args.warmup} s warm-up, ${args.seconds} s measured, concurrency ${args.concurrency}`);
      if (sc.hits) sc.hits.length = 0;
      meter.start();
      const r = await runScenario(client, sc, {
        concurrency: args.concurrency,
        seconds: args.seconds,
        warmupSeconds: args.warmup,
      });
      const cpu = meter.stop();
      const gone = server.exitedEarly();
      if (gone) throw new Error(`${gone} (during "${sc.name}")`);
      const row: Row = {
        ...r,
        target: sc.target?.text ?? '—',
        pass: sc.target?.pass(r, baseline.selectsPerSecond),
        serverCores: cpu.serverCores,
        postgresCores: cpu.postgresCores,
        ...(sc.name.startsWith('read') ? { ofBaseline: r.rps / baseline.selectsPerSecond } : {}),
        ...(sc.hits && sc.hits.length > 0 ? { hitsMean: mean(sc.hits), hitsMax: Math.max(...sc.hits) } : {}),
      };
      rows.push(row);
      console.log(
        `  ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.errors} errors` +
          (r.firstError ? `\n  first error: ${r.firstError}` : ''),
      );
    }

    const read = rows.find((r) => r.ofBaseline !== undefined);
    const tx = rows.find((r) => r.name.startsWith('transaction'));
    console.log(
      `\nOpenVisit FHIR benchmark — scale ${args.scale} (${size.patients} Patients, ${size.observations} Observations), concurrency ${args.concurrency}, ${args.seconds} s per scenario`,
    );
    console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}\n`);
    console.log(resultsTable(rows));
    console.log('');
    console.log(baselineLine(baseline, read));
    if (tx) console.log(`Transaction entries: ${Math.round(tx.rps * 100)} resources/s (100 per Bundle)`);
    console.log(
      `Load: ${Math.round(loaded.patients.perSecond)} Patients/s, ${Math.round(loaded.observations.perSecond)} Observations/s through transaction Bundles of ${args.loadBatch}`,
    );
    console.log('');
    console.log(detailTable(rows));

    const out = {
      date: new Date().toISOString(),
      scale: args.scale,
      sizes: size,
      concurrency: args.concurrency,
      secondsPerScenario: args.seconds,
      warmupSeconds: args.warmup,
      serverLogLevel: args.logLevel,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        node: process.version,
        loadavg: os.loadavg(),
      },
      load: {
        bundleSize: args.loadBatch,
        bundlesInFlight: args.loadConcurrency,
        patients: loaded.patients,
        observations: loaded.observations,
      },
      baseline,
      readOfBaseline: read?.ofBaseline,
      scenarios: rows,
    };
    const resultsDir = path.join(BENCH_DIR, 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(
      `\nWrote ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json')) || 'results/latest.json'}`,
    );
  } finally {
    service.stop();
    await access.close();
    await client.close();
  }
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (args.build) {
    console.log('npm run build');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  const workDir = args.reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-bench-'));
  // As root, the embedded PostgreSQL runs as the `postgres` user, which must reach its data dir.
  fs.chmodSync(workDir, 0o755);
  console.log(`Starting OpenVisit (work dir ${workDir}) …`);
  const server = await startOpenVisit({
    repoRoot: REPO_ROOT,
    workDir,
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    logLevel: args.logLevel,
    ...(args.serverCpuProf ? { cpuProfDir: args.serverCpuProf } : {}),
    // One client sends everything here; rate limits are not what this benchmark measures.
    env: { RATE_LIMIT_CLIENT_RPS: '0', RATE_LIMIT_TENANT_RPS: '0' },
  });
  console.log(`  ${server.origin}${server.fhirPath} (pid ${server.pid}, log ${server.logFile})`);
  let failed = false;
  const stop = async () => {
    await server.stop();
    if (failed) {
      // The server's own account of a failed run outlives the work dir.
      const kept = path.join(BENCH_DIR, 'results', 'openvisit-failed-run.log');
      fs.mkdirSync(path.dirname(kept), { recursive: true });
      const lines = fs.readFileSync(server.logFile, 'utf8').split('\n');
      fs.writeFileSync(kept, lines.slice(-2000).join('\n'));
      console.error(`server log (last 2000 lines) kept in ${kept}`);
    }
    if (!process.env.DATABASE_URL && !args.reuse) fs.rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = () => {
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await bench(args, server);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    if (args.keep) {
      console.log(
        `\n--keep: server still running at ${server.origin} (pid ${server.pid}); stop it with kill ${server.pid}`,
      );
      console.log(`  database (owner): ${server.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
    } else {
      await stop();
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
