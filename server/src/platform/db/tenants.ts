import type { Database } from './pool.js';

/** Resolves a tenant slug to its id, creating the tenant when asked to (first start, CLI). */
export async function ensureTenant(db: Database, slug: string, name = slug): Promise<number> {
  const found = await db.global<{ id: number }>('SELECT id FROM tenant WHERE slug = $1', [slug]);
  if (found.rows[0]) return found.rows[0].id;
  await db.global('INSERT INTO tenant (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING', [
    slug,
    name,
  ]);
  const again = await db.global<{ id: number }>('SELECT id FROM tenant WHERE slug = $1', [slug]);
  if (!again.rows[0]) throw new Error('tenant could not be created');
  return again.rows[0].id;
}
