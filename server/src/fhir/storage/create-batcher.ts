import type { Database } from '../../platform/db/pool.js';
import type { FhirResource, ResourceStore, StoredVersion } from './resource-store.js';

interface Pending {
  resource: FhirResource;
  resolve: (v: StoredVersion) => void;
  reject: (e: unknown) => void;
}

interface TenantQueue {
  waiting: Pending[];
  inFlight: number;
  /** A timer that writes what waits even if fewer than `minBatch` have gathered. */
  linger?: NodeJS.Timeout;
}

export interface CreateBatcherOptions {
  /** Statements in flight per tenant before further creates wait and join a batch. */
  maxInFlight?: number;
  /** Most resources in one statement. */
  maxBatch?: number;
  /**
   * While another statement of the tenant is in flight, a statement waits up to `lingerMs` for this
   * many creates to gather before it starts: a commit (and its WAL flush) is shared by more creates.
   */
  minBatch?: number;
  lingerMs?: number;
}

/**
 * Coalesces concurrent plain creates (server-assigned id, no transaction) into multi-resource
 * statements. While fewer than `maxInFlight` statements run for a tenant, a create is written at once
 * — no added latency when load is light; beyond that, creates queue and the next statement takes all
 * that waited. A statement is all-or-nothing, so on failure each of its creates is retried alone and
 * gets its own outcome. Each resource still has its own version, history row and event.
 */
export class CreateBatcher {
  private readonly queues = new Map<number, TenantQueue>();
  private statements = 0;
  private created = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly minBatch: number;
  private readonly lingerMs: number;

  constructor(
    private readonly db: Database,
    private readonly store: ResourceStore,
    opts: CreateBatcherOptions = {},
  ) {
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.maxBatch = opts.maxBatch ?? 64;
    this.minBatch = opts.minBatch ?? 8;
    this.lingerMs = opts.lingerMs ?? 2;
  }

  /** Statements written and resources created so far (how much coalescing happened). */
  stats(): { statements: number; created: number } {
    return { statements: this.statements, created: this.created };
  }

  create(tenantId: number, resource: FhirResource): Promise<StoredVersion> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(tenantId);
      if (!queue) this.queues.set(tenantId, (queue = { waiting: [], inFlight: 0 }));
      queue.waiting.push({ resource, resolve, reject });
      this.pump(tenantId, queue);
    });
  }

  private pump(tenantId: number, queue: TenantQueue, lingered = false): void {
    while (queue.inFlight < this.maxInFlight && queue.waiting.length > 0) {
      if (!lingered && queue.inFlight > 0 && queue.waiting.length < this.minBatch && this.lingerMs > 0) {
        queue.linger ??= setTimeout(() => {
          queue.linger = undefined;
          this.pump(tenantId, queue, true);
        }, this.lingerMs);
        return;
      }
      if (queue.linger) {
        clearTimeout(queue.linger);
        queue.linger = undefined;
      }
      const batch = queue.waiting.splice(0, this.maxBatch);
      queue.inFlight++;
      void this.write(tenantId, batch).finally(() => {
        queue.inFlight--;
        if (queue.waiting.length > 0) this.pump(tenantId, queue);
        else if (queue.inFlight === 0 && !queue.linger) this.queues.delete(tenantId);
      });
    }
  }

  private async write(tenantId: number, batch: Pending[]): Promise<void> {
    try {
      const stored = await this.db.withTenant(tenantId, (q) =>
        batch.length === 1
          ? this.store.create(q, tenantId, (batch[0] as Pending).resource).then((v) => [v])
          : this.store.createMany(
              q,
              tenantId,
              batch.map((p) => p.resource),
            ),
      );
      this.statements++;
      this.created += batch.length;
      batch.forEach((p, i) => p.resolve(stored[i] as StoredVersion));
    } catch (err) {
      if (batch.length === 1) {
        (batch[0] as Pending).reject(err);
        return;
      }
      // one bad member must not fail the others: write each alone to learn whose failure it was
      await Promise.all(
        batch.map(async (p) => {
          try {
            p.resolve(await this.db.withTenant(tenantId, (q) => this.store.create(q, tenantId, p.resource)));
          } catch (e) {
            p.reject(e);
          }
        }),
      );
    }
  }
}
