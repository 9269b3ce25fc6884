import { performance } from 'node:perf_hooks';
import type { Client, Request, Response } from './http.js';
import { percentile, Samples } from './stats.js';

export interface Scenario {
  name: string;
  description: string;
  /** The next request to send; `worker` is the index of the caller (0..concurrency-1). */
  next(worker: number): Request;
  /** Accept 2xx by default; searches also count the entries they returned. */
  check?(res: Response): boolean;
}

export interface ScenarioResult {
  name: string;
  description: string;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** CPU the load client itself used, in cores (1.0 = one core busy). */
  clientCores: number;
  firstError?: string;
}

interface Loop {
  samples: Samples;
  errors: number;
  firstError?: string;
}

/**
 * Closed loop: `concurrency` callers each send one request, wait for the whole answer, and send the
 * next, until `seconds` have passed. Every latency is kept, so percentiles are exact.
 */
async function loop(client: Client, sc: Scenario, concurrency: number, seconds: number): Promise<Loop> {
  const samples = new Samples();
  const state: Loop = { samples, errors: 0 };
  const end = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const req = sc.next(w);
      const t0 = performance.now();
      try {
        const res = await client.send(req);
        samples.push(performance.now() - t0);
        const ok = sc.check ? sc.check(res) : res.status >= 200 && res.status < 300;
        if (!ok) {
          state.errors++;
          state.firstError ??= `${res.status} ${res.text.slice(0, 300)}`;
        }
      } catch (err) {
        samples.push(performance.now() - t0);
        state.errors++;
        state.firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return state;
}

export async function runScenario(
  client: Client,
  sc: Scenario,
  opts: { concurrency: number; seconds: number; warmupSeconds: number },
): Promise<ScenarioResult> {
  if (opts.warmupSeconds > 0) await loop(client, sc, opts.concurrency, opts.warmupSeconds);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await loop(client, sc, opts.concurrency, opts.seconds);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = run.samples.sorted();
  return {
    name: sc.name,
    description: sc.description,
    requests: sorted.length,
    errors: run.errors,
    seconds,
    rps: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    clientCores: (cpu.user + cpu.system) / 1e6 / seconds,
    ...(run.firstError !== undefined ? { firstError: run.firstError } : {}),
  };
}
