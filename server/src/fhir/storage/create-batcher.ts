import { Coalescer, type CoalescerOptions, type Settled } from '../../platform/batching/coalescer.js';
import type { Database } from '../../platform/db/pool.js';
import type { FhirResource, ResourceStore, StoredVersion } from './resource-store.js';

export type CreateBatcherOptions = CoalescerOptions;

/**
 * Coalesces concurrent plain creates (server-assigned id, no transaction) into multi-resource
 * statements (see Coalescer for when a create waits to join one). A statement is all-or-nothing, so
 * on failure each of its creates is retried alone and gets its own outcome. Each resource still has
 * its own version, history row and event.
 */
export class CreateBatcher {
  private readonly coalescer: Coalescer<number, FhirResource, StoredVersion>;

  constructor(
    private readonly db: Database,
    private readonly store: ResourceStore,
    opts: CreateBatcherOptions = {},
  ) {
    this.coalescer = new Coalescer((tenantId, resources) => this.write(tenantId, resources), opts);
  }

  /** Statements written and resources created so far (how much coalescing happened). */
  stats(): { statements: number; created: number } {
    const { batches, items } = this.coalescer.stats();
    return { statements: batches, created: items };
  }

  create(tenantId: number, resource: FhirResource): Promise<StoredVersion> {
    return this.coalescer.submit(tenantId, resource);
  }

  private async write(tenantId: number, resources: FhirResource[]): Promise<Settled<StoredVersion>[]> {
    const alone = (resource: FhirResource) =>
      this.db.withTenant(tenantId, (q) => this.store.create(q, tenantId, resource));
    if (resources.length === 1) return [{ ok: true, value: await alone(resources[0] as FhirResource) }];
    try {
      const stored = await this.db.withTenant(tenantId, (q) => this.store.createMany(q, tenantId, resources));
      return stored.map((value) => ({ ok: true, value }));
    } catch {
      // one bad member must not fail the others: write each alone to learn whose failure it was
      return Promise.all(
        resources.map(async (resource): Promise<Settled<StoredVersion>> => {
          try {
            return { ok: true, value: await alone(resource) };
          } catch (error) {
            return { ok: false, error };
          }
        }),
      );
    }
  }
}
