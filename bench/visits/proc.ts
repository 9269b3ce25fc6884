import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { cpuSeconds } from '../lib/proc-cpu.js';

export { cpuSeconds };

const TICKS_PER_SECOND = 100;

/** Resident set size of a process in bytes, from /proc (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The soft "Max open files" limit of a process (what `ulimit -n` says in it). */
export function maxOpenFiles(pid: number | 'self'): string {
  try {
    const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
    return /^Max open files\s+(\S+)/m.exec(limits)?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** Open file descriptors of a process. */
export function openFiles(pid: number | 'self'): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** CPU of a set of processes over an interval, in cores (1.0 = one core busy). */
export class ProcessCpu {
  private t0 = 0;
  private c0: number[] = [];

  constructor(private readonly pids: number[]) {}

  start(): this {
    this.t0 = performance.now();
    this.c0 = this.pids.map(cpuSeconds);
    return this;
  }

  /** Cores each process used since start(), in the order of the pids. */
  stop(): { cores: number[]; total: number; seconds: number } {
    const seconds = (performance.now() - this.t0) / 1000;
    // A process gone since start() reads 0: it counts for nothing rather than negative.
    const cores = this.pids.map((pid, i) => Math.max(0, cpuSeconds(pid) - (this.c0[i] ?? 0)) / seconds);
    return { cores, total: cores.reduce((a, b) => a + b, 0), seconds };
  }
}

/** Busy CPU seconds of the whole machine (every core, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
      TICKS_PER_SECOND
    );
  } catch {
    return 0;
  }
}

/** The whole machine's busy cores over an interval. */
export class MachineCpu {
  private t0 = 0;
  private c0 = 0;

  start(): this {
    this.t0 = performance.now();
    this.c0 = machineBusySeconds();
    return this;
  }

  stop(): number {
    return (machineBusySeconds() - this.c0) / ((performance.now() - this.t0) / 1000);
  }
}

/** Restricts every thread of a process to the given cores (`taskset -a -p -c`). */
export function pinTo(pid: number, cores: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

/**
 * The main thread of a process: CPU time and time spent runnable but waiting for a CPU (the run
 * queue), in ms, from /proc/<pid>/task/<pid>/schedstat; and its involuntary context switches.
 */
export function mainThreadSched(pid: number): { runMs: number; waitMs: number; preempted: number } {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
    const status = fs.readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
    const preempted = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return { runMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6, preempted };
  } catch {
    return { runMs: 0, waitMs: 0, preempted: 0 };
  }
}
