import v8 from 'node:v8';

/** How V8 collects this node's garbage (decision 0024). */
export interface GcTuning {
  /**
   * How far the old generation may grow past what the last full collection kept before the next
   * one, in percent (`HEAP_GROWTH_PERCENT`); 0 leaves V8's own choice. Under socket traffic V8
   * settles near 25%: a full collection every few seconds, each holding the event loop.
   */
  heapGrowthPercent: number;
  /**
   * Background threads that mark the heap during a full collection (`GC_MARKING_THREADS`); 0 leaves
   * V8's own choice (up to its whole thread pool). On a small machine those threads took every core
   * for a tenth of a second and starved the event loop that still had sockets to serve.
   */
  markingThreads: number;
}

/** One marking thread fewer than the cores, so the event loop keeps a core while the heap is marked. */
export function defaultMarkingThreads(cores: number): number {
  return Math.max(1, cores - 1);
}

/**
 * Applies the tuning at start, before the heap holds much. V8 reads both flags each time it sets the
 * next limit or starts marking, so they take effect from the first full collection on.
 */
export function applyGcTuning(t: GcTuning): void {
  if (t.heapGrowthPercent > 0)
    v8.setFlagsFromString(`--heap-growing-percent=${Math.round(t.heapGrowthPercent)}`);
  if (t.markingThreads > 0)
    v8.setFlagsFromString(`--concurrent-marking-max-worker-num=${Math.round(t.markingThreads)}`);
}

/**
 * V8's memory reducer starts compacting full collections when the node looks idle for a few
 * seconds, and about 100 s after a full collection whatever the load: each took 50–100 ms of the
 * event loop (70 ms at once) while sockets still had signals to relay. It can only be turned off on
 * node's command line (at runtime the flag is ignored, measured), which `npm start` and
 * `bin/openvisit.js` do.
 */
export const MEMORY_REDUCER_OFF = '--no-memory-reducer';

/** One line for the start banner: what the heap runs with, and how to get the reducer off. */
export function describeGcTuning(t: GcTuning, execArgv: readonly string[]): string {
  const growth = t.heapGrowthPercent > 0 ? `growth ${Math.round(t.heapGrowthPercent)}%` : 'growth: V8';
  const marking =
    t.markingThreads > 0
      ? `${Math.round(t.markingThreads)} marking thread${t.markingThreads === 1 ? '' : 's'}`
      : 'marking threads: V8';
  const reducer = execArgv.includes(MEMORY_REDUCER_OFF)
    ? 'memory reducer off'
    : `memory reducer on (start node with ${MEMORY_REDUCER_OFF}, decision 0024)`;
  return `${growth}, ${marking}, ${reducer}`;
}
