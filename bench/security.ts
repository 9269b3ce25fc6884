/**
 * Security overhead benchmark (issue 3): the same FHIR reads and searches against the server as
 * deployed — authentication, access policy and audit all on — and against the same build on the same
 * database with them off, alternating rounds in one run. Target: on ≥ 70% of off, read p99 ≤ 20 ms.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../server/src/platform/net/free-port.js';
import { BenchAccess, type TokenSource } from './lib/access.js';
import { DataSet } from './lib/data.js';
import { Client, type Request } from './lib/http.js';
import { loadData } from './lib/load.js';
import { startOpenVisit } from './lib/openvisit.js';
import { CpuMeter } from './lib/proc-cpu.js';
import { psql } from './lib/psql.js';
import { Rng } from './lib/rng.js';
import { runScenario, type ScenarioResult } from './lib/run-scenario.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIR, '..');

const USAGE = `Usage: npm run bench:security -w bench -- [options]

  --patients <n>      Patients loaded (default 20000); Observations: 20 each for the first tenth
  --seconds <n>       measured seconds per run (default 15)
  --warmup <n>        warm-up seconds per run (default 3)
  --rounds <n>        off/on pairs per scenario, alternating (default 2)
  --concurrency <n>   requests in flight (default 32)
  --only <a,b>        run only scenarios whose name contains one of these words
  --server-cpu-prof <dir>  profile the secured server (node --cpu-prof) into <dir>
  --no-build          skip \`npm run build\``;

interface Args {
  patients: number;
  seconds: number;
  warmup: number;
  rounds: number;
  concurrency: number;
  build: boolean;
  only: string[] | undefined;
  serverCpuProf: string | undefined;
}

function parse(argv: string[]): Args | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      patients: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      'no-build': { type: 'boolean' },
      only: { type: 'string' },
      'server-cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const n = (v: string | undefined, d: number, min: number) => {
    const x = v === undefined ? d : Number(v);
    if (!Number.isFinite(x) || x < min) throw new Error(`bad number ${v}`);
    return x;
  };
  return {
    patients: n(values.patients, 20_000, 100),
    seconds: n(values.seconds, 15, 1),
    warmup: n(values.warmup, 3, 0),
    rounds: n(values.rounds, 2, 1),
    concurrency: n(values.concurrency, 32, 1),
    build: !values['no-build'],
    only: values.only?.split(',').map((w) => w.trim().toLowerCase()),
    serverCpuProf: values['server-cpu-prof'],
  };
}

/** The build under test with the security layer off, on the same database (lib/open-server.ts). */
async function startOpenServer(databaseUrl: string, workDir: string) {
  const port = await freePort();
  const logFile = path.join(workDir, 'open-server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      ...(process.env.OPEN_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.OPEN_CPU_PROF}`] : []),
      '--import',
      'tsx',
      path.join(BENCH_DIR, 'lib/open-server.ts'),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`open server exited; see ${logFile}`);
    try {
      if ((await fetch(`${origin}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return {
    origin,
    pid: child.pid ?? 0,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      fs.closeSync(log);
    },
  };
}

interface Pair {
  name: string;
  description: string;
  next: () => Request;
  /** Who calls when security is on. */
  token: TokenSource;
}

type Run = ScenarioResult & { serverCores: number; postgresCores: number | undefined };

interface Measured {
  name: string;
  off: Run[];
  on: Run[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (args.build) execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-bench-security-'));
  // As root, the embedded PostgreSQL runs as the `postgres` user, which must reach its data dir.
  fs.chmodSync(workDir, 0o755);
  console.log(`Starting OpenVisit, security on (work dir ${workDir}) …`);
  const server = await startOpenVisit({
    repoRoot: REPO_ROOT,
    workDir,
    logLevel: 'info',
    ...(args.serverCpuProf ? { cpuProfDir: args.serverCpuProf } : {}),
    // Limits are evaluated on every request, set above what one benchmark client sends.
    env: { RATE_LIMIT_CLIENT_RPS: '1000000', RATE_LIMIT_TENANT_RPS: '1000000' },
  });
  const access = await BenchAccess.open(server);
  const loader = await access.backend('system/*.cruds');
  const loadClient = new Client(server.origin, 8, loader.token);
  let open: Awaited<ReturnType<typeof startOpenServer>> | undefined;
  try {
    const rng = new Rng(7);
    const size = {
      patients: args.patients,
      observationPatients: Math.max(10, Math.round(args.patients / 10)),
    };
    const sizes = { ...size, observations: size.observationPatients * 20 };
    console.log(`Loading ${sizes.patients} Patients and ${sizes.observations} Observations …`);
    const loaded = await loadData(loadClient, new DataSet(rng, sizes.patients), sizes, {
      batch: 250,
      concurrency: 4,
      fhirPath: server.fhirPath,
    });
    await psql(server.databaseUrl, 'VACUUM (ANALYZE)');
    open = await startOpenServer(server.databaseUrl, workDir);
    const service = await access.backend('system/*.rs');
    const own = loaded.observationPatientIds[0] ?? '';
    const patient = await access.patient(own);
    const fhir = server.fhirPath;
    const pairs: Pair[] = [
      {
        name: 'read Patient (backend service)',
        description: 'GET /Patient/{id}, any loaded patient; token system/*.rs',
        next: () => ({ method: 'GET', path: `${fhir}/Patient/${rng.pick(loaded.patientIds)}` }),
        token: service,
      },
      {
        name: 'search Observation (backend service)',
        description: 'GET /Observation?subject=Patient/{id}, 20 hits; token system/*.rs',
        next: () => ({
          method: 'GET',
          path: `${fhir}/Observation?subject=Patient/${rng.pick(loaded.observationPatientIds)}`,
        }),
        token: service,
      },
      {
        name: 'read own Patient (patient app)',
        description: 'GET /Patient/{own id}; SMART token patient/*.rs of that patient',
        next: () => ({ method: 'GET', path: `${fhir}/Patient/${own}` }),
        token: patient,
      },
      {
        name: 'search own Observations (patient app)',
        description: 'GET /Observation?subject=Patient/{own}&_count=20, bounded to the compartment',
        next: () => ({ method: 'GET', path: `${fhir}/Observation?subject=Patient/${own}&_count=20` }),
        token: patient,
      },
    ];
    const results: Measured[] = [];
    const offMeter = new CpuMeter(open.pid, server.pgDataDir);
    const onMeter = new CpuMeter(server.pid, server.pgDataDir);
    for (const p of pairs) {
      if (args.only && !args.only.some((w) => p.name.toLowerCase().includes(w))) continue;
      console.log(`\n${p.name}: ${p.description}`);
      const m: Measured = { name: p.name, off: [], on: [] };
      const offClient = new Client(open.origin, args.concurrency);
      const onClient = new Client(server.origin, args.concurrency, p.token.token);
      try {
        for (let round = 0; round < args.rounds; round++) {
          for (const [mode, client, meter] of [
            ['off', offClient, offMeter],
            ['on', onClient, onMeter],
          ] as const) {
            if (args.warmup > 0)
              await runScenario(
                client,
                { name: p.name, description: p.description, next: p.next },
                {
                  concurrency: args.concurrency,
                  seconds: args.warmup,
                  warmupSeconds: 0,
                },
              );
            meter.start();
            const measured = await runScenario(
              client,
              { name: p.name, description: p.description, next: p.next },
              { concurrency: args.concurrency, seconds: args.seconds, warmupSeconds: 0 },
            );
            const r = { ...measured, ...meter.stop() };
            m[mode].push(r);
            console.log(
              `  ${mode.padEnd(3)} round ${round + 1}: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, ${r.errors} errors, cores node ${fmt(r.serverCores, 2)} / pg ${fmt(r.postgresCores ?? Number.NaN, 2)}` +
                (r.firstError ? ` (first: ${r.firstError})` : ''),
            );
          }
        }
      } finally {
        await offClient.close();
        await onClient.close();
      }
      results.push(m);
    }
    const audited = await psql(server.databaseUrl, 'SELECT count(*) FROM audit_log');
    console.log(
      `\nSecurity overhead — ${sizes.patients} Patients, concurrency ${args.concurrency}, ${args.rounds} × ${args.seconds} s per mode`,
    );
    console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}\n`);
    const header = [
      'scenario',
      'off req/s',
      'on req/s',
      'on/off',
      'rounds on/off',
      'off p99',
      'on p99',
      'errors',
      'target',
      'result',
    ];
    const rows = results.map((m) => {
      const off = mean(m.off.map((r) => r.rps));
      const on = mean(m.on.map((r) => r.rps));
      const p99On = Math.max(...m.on.map((r) => r.p99));
      const errors = [...m.off, ...m.on].reduce((a, r) => a + r.errors, 0);
      const isRead = m.name.startsWith('read');
      const pass = errors === 0 && on >= 0.7 * off && (!isRead || p99On <= 20);
      return [
        m.name,
        fmt(off),
        fmt(on),
        `${fmt((100 * on) / off, 1)}%`,
        pairRange(m),
        fmt(Math.max(...m.off.map((r) => r.p99)), 2),
        fmt(p99On, 2),
        String(errors),
        isRead ? 'on ≥ 70% of off, p99 ≤ 20 ms' : 'on ≥ 70% of off',
        pass ? 'PASS' : 'FAIL',
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (c: string[]) =>
      c.map((x, i) => (i === 0 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join('  ');
    console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));
    console.log(`\nAudit log entries written during the run: ${audited.trim()}`);
    fs.mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(BENCH_DIR, 'results', 'security-latest.json'),
      `${JSON.stringify({ date: new Date().toISOString(), args, sizes, results }, null, 2)}\n`,
    );
    service.stop();
    patient.stop();
    return rows.every((r) => r[r.length - 1] === 'PASS') ? 0 : 1;
  } finally {
    loader.stop();
    await loadClient.close();
    await access.close();
    await open?.stop();
    await server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The lowest and highest on/off ratio of one round and the off round just before it: on a shared
 * host the rate drifts between rounds, and the spread says how far one run's ratio can be trusted.
 */
function pairRange(m: Measured): string {
  const ratios = m.on.map((r, i) => (100 * r.rps) / (m.off[i]?.rps ?? Number.NaN));
  return `${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}%`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
