import type { Database } from '../../platform/db/pool.js';
import type { Definitions } from '../definitions/index.js';

/**
 * Maps (resource type, search parameter code) to the small integer id that index rows carry.
 * Composite components are registered as `${code}$${i}`. Ids are stable: they live in search_param.
 */
export class SearchParamRegistry {
  private readonly ids = new Map<string, number>();

  static async load(db: Database, defs: Definitions): Promise<SearchParamRegistry> {
    const wanted: [string, string][] = [];
    for (const [type, params] of defs.searchParams) {
      for (const p of params.values()) {
        wanted.push([type, p.code]);
        p.component.forEach((_, i) => wanted.push([type, `${p.code}$${i}`]));
      }
    }
    const registry = new SearchParamRegistry();
    await registry.sync(db, wanted);
    return registry;
  }

  private async sync(db: Database, wanted: [string, string][]): Promise<void> {
    const read = async () => {
      const res = await db.global<{ id: number; resource_type: string; code: string }>(
        'SELECT id, resource_type, code FROM search_param',
      );
      for (const r of res.rows) this.ids.set(`${r.resource_type}\u0000${r.code}`, r.id);
    };
    await read();
    const missing = wanted.filter(([t, c]) => !this.ids.has(`${t}\u0000${c}`));
    if (missing.length > 0) {
      await db.global(
        `INSERT INTO search_param (resource_type, code)
         SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
        [missing.map((m) => m[0]), missing.map((m) => m[1])],
      );
      await read();
    }
  }

  /** The id of a parameter; throws for a pair that is not registered (a programming error). */
  id(resourceType: string, code: string): number {
    const id = this.ids.get(`${resourceType}\u0000${code}`);
    if (id === undefined) throw new Error(`search parameter ${resourceType}.${code} is not registered`);
    return id;
  }

  has(resourceType: string, code: string): boolean {
    return this.ids.has(`${resourceType}\u0000${code}`);
  }
}
