import { parseArgs } from 'node:util';

export interface BenchArgs {
  scale: number;
  seconds: number;
  warmup: number;
  concurrency: number;
  loadBatch: number;
  loadConcurrency: number;
  logLevel: string;
  build: boolean;
  baselineSeconds: number;
  only: string[] | undefined;
  keep: boolean;
  seed: number;
  /** Folder for a V8 CPU profile of the server (node --cpu-prof), written when it stops. */
  serverCpuProf: string | undefined;
  /** Work dir of an earlier `--keep` run whose data to use instead of loading anew. */
  reuse: string | undefined;
}

export const USAGE = `Usage: npm run bench -w bench -- [options]

  --scale <f>             data set size relative to 100,000 patients / 1,000,000 observations (default 1)
  --seconds <n>           measured seconds per scenario (default 20)
  --warmup <n>            warm-up seconds per scenario, not measured (default 5)
  --concurrency <n>       requests in flight (default 32)
  --load-batch <n>        entries per transaction Bundle while loading (default 250)
  --load-concurrency <n>  Bundles in flight while loading (default 4)
  --baseline-seconds <n>  pgbench -T (default: --seconds)
  --log-level <l>         server LOG_LEVEL (default info, as a deployment runs)
  --only <a,b>            run only scenarios whose name contains one of these words
  --no-build              skip \`npm run build\`
  --keep                  leave the server and its data running at the end (prints how to stop it)
  --seed <n>              data generator seed (default 42)
  --server-cpu-prof <dir> profile the server with node --cpu-prof; the .cpuprofile lands in <dir>
  --reuse <work dir>      start on the data of an earlier --keep run (same --scale) instead of loading;
                          the work dir is kept. Figures for the record come from full runs.

DATABASE_URL (owner URL of an external PostgreSQL) replaces the embedded PostgreSQL.`;

function num(v: string | undefined, fallback: number, name: string, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      'load-batch': { type: 'string' },
      'load-concurrency': { type: 'string' },
      'baseline-seconds': { type: 'string' },
      'log-level': { type: 'string' },
      only: { type: 'string' },
      'no-build': { type: 'boolean' },
      keep: { type: 'boolean' },
      seed: { type: 'string' },
      'server-cpu-prof': { type: 'string' },
      reuse: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const seconds = num(values.seconds, 20, 'seconds', 1);
  return {
    scale: num(values.scale, 1, 'scale', 0.001),
    seconds,
    warmup: num(values.warmup, 5, 'warmup', 0),
    concurrency: Math.round(num(values.concurrency, 32, 'concurrency', 1)),
    loadBatch: Math.round(num(values['load-batch'], 250, 'load-batch', 1)),
    loadConcurrency: Math.round(num(values['load-concurrency'], 4, 'load-concurrency', 1)),
    baselineSeconds: Math.round(num(values['baseline-seconds'], seconds, 'baseline-seconds', 1)),
    logLevel: values['log-level'] ?? 'info',
    only: values.only?.split(',').map((s) => s.trim().toLowerCase()),
    build: !values['no-build'],
    keep: values.keep ?? false,
    seed: Math.round(num(values.seed, 42, 'seed', 0)),
    serverCpuProf: values['server-cpu-prof'],
    reuse: values.reuse,
  };
}
