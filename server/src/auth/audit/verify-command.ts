import { Database } from '../../platform/db/pool.js';
import { AuditLog, type VerifyResult } from './audit-log.js';

/**
 * `openvisit audit verify`: checks every tenant's chain (or one, by slug) and prints one line per
 * tenant. Exit code 0 when all hold, 1 when one is broken (naming the first altered or missing entry).
 */
export async function verifyAudit(
  databaseUrl: string,
  opts: { tenant?: string; print: (line: string) => void },
): Promise<number> {
  const db = new Database(databaseUrl, { max: 2 });
  try {
    const tenants = await db.global<{ id: number; slug: string }>(
      opts.tenant === undefined
        ? 'SELECT id, slug FROM tenant ORDER BY id'
        : 'SELECT id, slug FROM tenant WHERE slug = $1',
      opts.tenant === undefined ? [] : [opts.tenant],
    );
    if (tenants.rows.length === 0) {
      opts.print(opts.tenant === undefined ? 'No tenants.' : `No tenant ${opts.tenant}.`);
      return opts.tenant === undefined ? 0 : 1;
    }
    const log = new AuditLog(db);
    let broken = 0;
    for (const t of tenants.rows) {
      const r: VerifyResult = await log.verify(t.id);
      if (r.ok) opts.print(`${t.slug}: ok, ${r.entries} entries`);
      else {
        broken++;
        opts.print(
          `${t.slug}: BROKEN at entry ${r.seq} of chain ${r.lane} (${r.problem}); ${r.entries} entries before it hold`,
        );
      }
    }
    return broken === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}
