import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

/** user + system CPU seconds of one process, from /proc (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The postmaster and its backends, found through postmaster.pid in the data directory. */
function postgresPids(pgDataDir: string | undefined): number[] {
  if (!pgDataDir) return [];
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(`${pgDataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const pids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && parentOf(pid) === postmaster) pids.push(pid);
  }
  return pids;
}

/** CPU used by the server and its PostgreSQL over an interval, in cores (1.0 = one core busy). */
export class CpuMeter {
  private server0 = 0;
  private pg0 = new Map<number, number>();
  private t0 = 0;

  constructor(
    private readonly serverPid: number,
    private readonly pgDataDir: string | undefined,
  ) {}

  start(): void {
    this.t0 = Date.now();
    this.server0 = cpuSeconds(this.serverPid);
    this.pg0 = new Map(postgresPids(this.pgDataDir).map((p) => [p, cpuSeconds(p)]));
  }

  /** Backends that started during the interval count from zero; ones that ended are lost (short-lived). */
  stop(): { serverCores: number; postgresCores: number | undefined } {
    const seconds = (Date.now() - this.t0) / 1000;
    const server = cpuSeconds(this.serverPid) - this.server0;
    if (!this.pgDataDir) return { serverCores: server / seconds, postgresCores: undefined };
    let pg = 0;
    for (const pid of postgresPids(this.pgDataDir)) pg += cpuSeconds(pid) - (this.pg0.get(pid) ?? 0);
    return { serverCores: server / seconds, postgresCores: pg / seconds };
  }
}
