import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from './lifecycle.js';

export interface ShutdownParts {
  lifecycle: Lifecycle;
  app: FastifyInstance;
  /** Longest wait for in-flight requests before their connections are cut. */
  graceMs: number;
  /** Stopped in order after the HTTP server: relay, bus, pool, database server. */
  after: { name: string; stop: () => Promise<void> }[];
}

/**
 * Readiness goes 503, the listener closes (idle keep-alive connections at once; requests already
 * in flight finish, bounded by `graceMs`), then background workers and the database are stopped.
 * Each later step runs even if an earlier one failed, so PostgreSQL is never left running.
 */
export async function gracefulShutdown(parts: ShutdownParts): Promise<void> {
  parts.lifecycle.beginShutdown();
  const log = parts.app.log;
  const cut = setTimeout(() => {
    log.warn({ graceMs: parts.graceMs }, 'grace period over; closing remaining connections');
    parts.app.server.closeAllConnections();
  }, parts.graceMs);
  try {
    await parts.app.close();
  } catch (err) {
    log.error({ err }, 'closing the HTTP server failed');
  } finally {
    clearTimeout(cut);
  }
  for (const step of parts.after) {
    try {
      await step.stop();
    } catch (err) {
      log.error({ err, step: step.name }, 'shutdown step failed');
    }
  }
}
