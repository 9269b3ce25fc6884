import type { Database } from './pool.js';

/** A secret shared by every node on this database (created by migration 0002_instance_secret). */
export async function instanceSecret(db: Database, name: string): Promise<string> {
  const res = await db.global<{ value: string }>('SELECT value FROM instance_secret WHERE name = $1', [name]);
  const value = res.rows[0]?.value;
  if (!value) throw new Error(`instance secret ${name} is missing; run migrations`);
  return value;
}
