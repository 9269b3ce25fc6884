import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, before the next
 * one (`HEAP_GROWTH_PERCENT`, decision 0024). A full collection of a node's heap (the R4 definitions
 * and every open socket, 100 MB and more) holds the event loop for tens of milliseconds, which every
 * relayed signal waiting meanwhile carries as latency. V8 picks the factor from its own measure of
 * GC speed, and under socket traffic it settles near 1.25: a full collection every few seconds.
 * A fixed, larger factor spends memory to make them rare.
 *
 * V8 reads the flag each time it sets the next limit, so setting it at start (before the heap holds
 * much) takes effect from the first full collection on. 0 leaves V8's own choice.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
