import fs from 'node:fs/promises';
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default metrics whose collection walks every open handle on the event loop: the
 * active handles and resources (arrays of every socket, built per scrape) and the open file
 * descriptors (a synchronous listing of /proc/self/fd). With 10,000 visit sockets one scrape held
 * the event loop for about 60 ms, which every relayed signal then waited out. The sockets are
 * counted by the modules' own gauges; the descriptors are listed off the event loop below.
 */
const PER_HANDLE_METRICS = [
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'process_open_fds',
];

/** Node's and the process's metrics, each cheap to collect however many sockets are open. */
export function registerProcessMetrics(register: Registry): void {
  collectDefaultMetrics({ register });
  for (const name of PER_HANDLE_METRICS) register.removeSingleMetric(name);
  if (process.platform !== 'linux') return;
  new Gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    registers: [register],
    async collect() {
      // Listed on libuv's thread pool: the event loop only gets the count.
      const fds = await fs.readdir('/proc/self/fd').catch(() => null);
      if (fds) this.set(fds.length);
    },
  });
}
