import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../db/pool.js';
import { routeTemplate } from './request-log.js';
import { registerProcessMetrics } from './process-metrics.js';

export interface OutboxStats {
  backlog: number;
  lagSeconds: number;
}

export interface MetricsOptions {
  pool?: () => PoolStats;
  outbox?: () => Promise<OutboxStats>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics registry; modules register their own metrics on it. */
    metrics: Registry;
  }
}

function registerPoolGauges(register: Registry, pool: () => PoolStats): void {
  const gauges: [keyof PoolStats, string, string][] = [
    ['total', 'db_pool_connections_total', 'Connections open in the database pool'],
    ['idle', 'db_pool_connections_idle', 'Idle connections in the database pool'],
    ['waiting', 'db_pool_clients_waiting', 'Callers waiting for a database connection'],
    ['max', 'db_pool_connections_max', 'Largest size the database pool may grow to'],
  ];
  for (const [key, name, help] of gauges) {
    new Gauge({
      name,
      help,
      registers: [register],
      collect() {
        this.set(pool()[key]);
      },
    });
  }
}

function registerOutboxGauges(register: Registry, outbox: () => Promise<OutboxStats>): void {
  // One query per scrape feeds both gauges.
  let pending: Promise<OutboxStats | undefined> | undefined;
  const read = () => {
    pending ??= outbox()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  new Gauge({
    name: 'outbox_backlog_events',
    help: 'Outbox events committed but not yet published',
    registers: [register],
    async collect() {
      const s = await read();
      if (s) this.set(s.backlog);
    },
  });
  new Gauge({
    name: 'outbox_lag_seconds',
    help: 'Age of the oldest unpublished outbox event (0 when none)',
    registers: [register],
    async collect() {
      const s = await read();
      if (s) this.set(s.lagSeconds);
    },
  });
}

const metrics: FastifyPluginAsync<MetricsOptions> = async (app, opts) => {
  // A registry per app, not prom-client's global one, so several apps can live in one process (tests).
  const register = new Registry();
  registerProcessMetrics(register);
  app.decorate('metrics', register);

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [register],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  if (opts.pool) registerPoolGauges(register, opts.pool);
  if (opts.outbox) registerOutboxGauges(register, opts.outbox);

  app.addHook('onResponse', async (req, reply) => {
    const route = routeTemplate(req);
    requests.inc({ method: req.method, route, status_code: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: {
          200: {
            description: 'Metrics in the Prometheus text exposition format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_req, reply) => {
      const body = await register.metrics();
      return reply.type(register.contentType).send(body);
    },
  );
};

/** Prometheus metrics labelled by route template (never a raw URL) and served at `/metrics`. */
export const metricsPlugin = fp(metrics, { name: 'openvisit-metrics' });
