import type { Database, Queryable } from '../../platform/db/pool.js';
import { GENESIS, entryHash } from './chain.js';
import { ChainWriter, LANES, type AuditRecord, type HeadRow } from './chain-writer.js';

export type { AuditRecord, StoredEntry } from './chain-writer.js';
export { LANES } from './chain-writer.js';

export type VerifyResult =
  | { ok: true; entries: number }
  /** `lane`/`seq` is the first entry that was altered, or the first one missing. */
  | { ok: false; entries: number; lane: number; seq: string; problem: 'altered' | 'missing' };

const PAGE = 5000;

/**
 * The append-only, hash-chained audit log of each tenant: appends are written in batches by a
 * ChainWriter (`chain-writer.ts`), and each caller's promise settles only when its entry is committed,
 * so a request whose audit entry cannot be written fails with it.
 */
export class AuditLog {
  private readonly writer: ChainWriter;

  constructor(
    private readonly db: Database,
    opts: { maxBatch: number; lanes: number } = { maxBatch: 500, lanes: LANES },
  ) {
    this.writer = new ChainWriter(db, opts);
  }

  append(tenantId: number, record: AuditRecord): Promise<void> {
    return this.writer.append(tenantId, record);
  }

  /** Recomputes each lane's chain and compares it with every stored entry and the lane's head. */
  async verify(tenantId: number): Promise<VerifyResult> {
    return this.db.withTenant(tenantId, async (q) => {
      const lanes = await q.query<{ lane: number }>(
        `SELECT lane FROM audit_head WHERE tenant_id = $1 UNION SELECT DISTINCT lane FROM audit_log WHERE tenant_id = $1 ORDER BY 1`,
        [tenantId],
      );
      let entries = 0;
      for (const { lane } of lanes.rows) {
        const r = await verifyChain(q, tenantId, lane);
        entries += r.entries;
        if (!r.ok) return { ...r, entries };
      }
      return { ok: true, entries };
    });
  }
}

async function verifyChain(q: Queryable, tenantId: number, lane: number): Promise<VerifyResult> {
  let previous: Buffer = GENESIS;
  let expected = 1n;
  let entries = 0;
  for (;;) {
    const page = await q.query<{ seq: string; recorded: Date; event: string; entry_hash: Buffer }>(
      `SELECT seq::text, recorded, event, entry_hash FROM audit_log
       WHERE tenant_id = $1 AND lane = $3 AND seq >= $2 ORDER BY audit_log.seq LIMIT ${PAGE}`,
      [tenantId, expected.toString(), lane],
    );
    for (const r of page.rows) {
      const seq = BigInt(r.seq);
      if (seq !== expected) return { ok: false, entries, lane, seq: expected.toString(), problem: 'missing' };
      const hash = entryHash(previous, seq, r.recorded.toISOString(), r.event);
      if (!hash.equals(r.entry_hash)) return { ok: false, entries, lane, seq: r.seq, problem: 'altered' };
      previous = hash;
      expected += 1n;
      entries++;
    }
    if (page.rows.length < PAGE) break;
  }
  const head = (
    await q.query<HeadRow>(
      'SELECT seq::text, entry_hash FROM audit_head WHERE tenant_id = $1 AND lane = $2',
      [tenantId, lane],
    )
  ).rows[0];
  const last = expected - 1n;
  if (!head)
    return entries === 0 ? { ok: true, entries } : { ok: false, entries, lane, seq: '1', problem: 'altered' };
  // Entries cut off the end of the chain: the head still remembers how far it went.
  if (BigInt(head.seq) > last)
    return { ok: false, entries, lane, seq: expected.toString(), problem: 'missing' };
  if (BigInt(head.seq) < last || !head.entry_hash.equals(previous))
    return { ok: false, entries, lane, seq: head.seq === '0' ? '1' : head.seq, problem: 'altered' };
  return { ok: true, entries };
}
