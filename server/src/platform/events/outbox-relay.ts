import type { Logger } from 'pino';
import type { Database } from '../db/pool.js';
import type { OutboxStats } from '../observability/metrics.js';
import type { BusEvent, EventBus } from './types.js';

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Safety-net poll: catches rows committed by other nodes or left behind by a crash. */
  pollMs?: number;
  log?: Pick<Logger, 'error'>;
}

type OutboxRow = {
  seq: string;
  event_id: string;
  tenant_id: number;
  topic: string;
  type: string;
  payload: string;
  created_at: Date;
};

/**
 * Publishes committed outbox rows to the bus and marks them published. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so relays on several nodes share the work and no row is handed to two
 * of them; a row is marked in the same transaction that claimed it, only after the bus accepted it.
 * Within one batch events go out in `seq` order; across nodes there is no global order.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly opts: OutboxRelayOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 100;
    this.pollMs = opts.pollMs ?? 1000;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Drain now (after a commit). Calls while a drain runs coalesce into one more pass. */
  kick(): void {
    if (this.stopped) return;
    this.again = true;
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Resolves when the drain in progress (and any pass it owes) is done; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** Publishes every row visible now; returns how many. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.batch();
      total += n;
      if (n < this.batchSize || this.stopped) return total;
    }
  }

  private async loop(): Promise<void> {
    while (this.again && !this.stopped) {
      this.again = false;
      try {
        await this.drain();
      } catch (err) {
        // Left unpublished; the next poll retries.
        this.opts.log?.error({ err }, 'outbox relay batch failed');
        return;
      }
    }
  }

  private async batch(): Promise<number> {
    return this.db.relayTransaction(async (q) => {
      // Prepared: under load the relay runs after nearly every commit, and planning was half its cost.
      const res = await q.prepared<OutboxRow>(
        'outbox_claim',
        `SELECT seq, event_id, tenant_id, topic, type, payload, created_at FROM outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (res.rows.length === 0) return 0;
      for (const row of res.rows) await this.bus.publish(toEvent(row));
      // Published rows are removed, not marked: the table stays as small as the backlog, and its
      // indexes don't grow with every event ever written (retention is the bus's job).
      await q.prepared('outbox_delete', 'DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [
        res.rows.map((r) => r.seq),
      ]);
      return res.rows.length;
    });
  }
}

function toEvent(row: OutboxRow): BusEvent {
  return {
    eventId: row.event_id,
    tenantId: row.tenant_id,
    topic: row.topic,
    type: row.type,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAt: row.created_at.toISOString(),
  };
}

/** Backlog and lag of the outbox across tenants, for the metrics gauges. */
export async function outboxStats(db: Database): Promise<OutboxStats> {
  return db.relayTransaction(async (q) => {
    const res = await q.query<{ backlog: string; lag: number | null }>(
      `SELECT count(*) AS backlog, extract(epoch FROM now() - min(created_at))::float8 AS lag
         FROM outbox WHERE published_at IS NULL`,
    );
    const row = res.rows[0];
    return { backlog: Number(row?.backlog ?? 0), lagSeconds: Math.max(0, row?.lag ?? 0) };
  });
}
