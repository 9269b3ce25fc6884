/** The client processes (worker.ts) as the bench drives them, and how sockets are dealt to them. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchData } from './data.js';
import { zeroCounters, type Counters, type FromWorker, type SocketSpec, type ToWorker } from './protocol.js';

const VISITS_DIR = path.dirname(fileURLToPath(import.meta.url));
const BENCH_DIR = path.resolve(VISITS_DIR, '..');

/** A client process and its replies, one request at a time. */
export class Worker {
  private waiting: {
    ev: FromWorker['ev'];
    resolve: (m: FromWorker) => void;
    reject: (e: Error) => void;
  } | null = null;
  private gone: string | null = null;

  private constructor(
    readonly index: number,
    readonly child: ChildProcess,
    readonly pid: number,
    readonly maxOpenFiles: string,
  ) {}

  static async start(index: number): Promise<Worker> {
    const child = fork(path.join(VISITS_DIR, 'worker.ts'), [], {
      cwd: BENCH_DIR,
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<Extract<FromWorker, { ev: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${index} did not start in 30 s`)), 30_000);
      child.once('message', (m: FromWorker) => {
        clearTimeout(timer);
        if (m.ev === 'ready') resolve(m);
        else reject(new Error(`worker ${index}: ${JSON.stringify(m)}`));
      });
      child.once('exit', (code) => reject(new Error(`worker ${index} exited with ${code}`)));
    });
    const w = new Worker(index, child, ready.pid, ready.maxOpenFiles);
    child.on('message', (m: FromWorker) => w.onMessage(m));
    child.on('exit', (code, signal) => {
      w.gone = `worker ${index} exited (code ${code}, signal ${signal})`;
      w.waiting?.reject(new Error(w.gone));
      w.waiting = null;
    });
    return w;
  }

  private onMessage(m: FromWorker): void {
    const w = this.waiting;
    if (!w) return;
    if (m.ev === 'error') {
      this.waiting = null;
      w.reject(new Error(`worker ${this.index}: ${m.message}`));
    } else if (m.ev === w.ev) {
      this.waiting = null;
      w.resolve(m);
    }
  }

  request<E extends FromWorker['ev']>(
    msg: ToWorker,
    ev: E,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { ev: E }>> {
    if (this.gone) return Promise.reject(new Error(this.gone));
    if (this.waiting) return Promise.reject(new Error(`worker ${this.index} is busy`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`worker ${this.index}: no ${ev} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiting = {
        ev,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<FromWorker, { ev: E }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.child.send(msg);
    });
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}

/** The sockets of each worker: each clinician's four, clinicians dealt round-robin. */
export function socketsOf(data: BenchData, workers: number): SocketSpec[][] {
  const out: SocketSpec[][] = Array.from({ length: workers }, () => []);
  data.clinicians.forEach((c, i) => {
    const w = out[i % workers] as SocketSpec[];
    w.push(
      {
        kind: 'call-clinician',
        visitId: c.callVisitId,
        participantId: 'clinician',
        role: 'clinician',
        pairKey: c.callVisitId,
        side: 0,
      },
      {
        kind: 'call-patient',
        visitId: c.callVisitId,
        participantId: 'patient',
        role: 'patient',
        pairKey: c.callVisitId,
        side: 1,
      },
      {
        kind: 'waiting-patient',
        visitId: c.waitingVisitId,
        participantId: 'patient',
        role: 'patient',
        pairKey: c.waitingVisitId,
        side: 0,
      },
      {
        kind: 'queue',
        visitId: c.waitingVisitId,
        participantId: c.practitionerId,
        role: 'clinician',
        pairKey: c.waitingVisitId,
        side: 1,
      },
    );
  });
  return out;
}

export function merge(arrays: Float64Array[]): Float64Array {
  const all = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  return all.sort();
}

export function sumCounters(list: Counters[]): Counters {
  const total = zeroCounters();
  for (const c of list) {
    for (const k of Object.keys(total) as (keyof Counters)[])
      if (k !== 'firstProblem') total[k] = (total[k] as number) + ((c[k] as number | undefined) ?? 0);
    total.firstProblem ??= c.firstProblem;
  }
  return total;
}
