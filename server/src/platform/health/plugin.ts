import type { FastifyPluginAsync } from 'fastify';
import { pendingMigrations, type MigrationSource } from '../db/migrate.js';
import type { Database } from '../db/pool.js';
import type { Lifecycle } from '../lifecycle.js';

export interface HealthOptions {
  db: Database;
  migrations: MigrationSource[];
  lifecycle: Lifecycle;
}

const noQuery = { type: 'object', properties: {}, additionalProperties: false } as const;
const status = {
  type: 'object',
  properties: { status: { type: 'string' }, reason: { type: 'string' } },
  required: ['status'],
  additionalProperties: false,
} as const;

async function notReadyReason(opts: HealthOptions): Promise<string | undefined> {
  if (opts.lifecycle.shuttingDown) return 'shutting down';
  let pending: number;
  try {
    pending = await pendingMigrations(opts.db, opts.migrations);
  } catch {
    return 'database unreachable';
  }
  if (pending > 0) return `${pending} database migration(s) pending`;
  return undefined;
}

/** `/healthz`: the process runs (no dependencies). `/readyz`: it can serve traffic now. */
export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, opts) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process is up',
        tags: ['operations'],
        querystring: noQuery,
        response: { 200: { description: 'Alive', ...status } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: database reachable, schema current, not shutting down',
        tags: ['operations'],
        querystring: noQuery,
        response: {
          200: { description: 'Ready', ...status },
          503: { description: 'Not ready, with the reason', ...status },
        },
      },
    },
    async (_req, reply) => {
      const reason = await notReadyReason(opts);
      if (reason === undefined) return { status: 'ready' };
      return reply.code(503).send({ status: 'unavailable', reason });
    },
  );
};
