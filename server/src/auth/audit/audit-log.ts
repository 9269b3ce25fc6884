import type { Database, Queryable } from '../../platform/db/pool.js';
import { GENESIS, entryHash } from './chain.js';
import { ChainWriter, LANES, type AuditRecord, type HeadRow } from './chain-writer.js';
import { ENTRIES_OF_PATIENT, indexPatients } from './patient-index.js';

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
  /** Tenants appended to since their patients were last indexed. */
  private readonly unindexed = new Set<number>();
  private indexTimer: NodeJS.Timeout | undefined;
  private indexing: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    opts: { maxBatch: number; lanes: number } = { maxBatch: 500, lanes: LANES },
  ) {
    this.writer = new ChainWriter(db, opts);
  }

  append(tenantId: number, record: AuditRecord): Promise<void> {
    if (record.patients && record.patients.length > 0) this.unindexed.add(tenantId);
    return this.writer.append(tenantId, record);
  }

  /**
   * Indexes the patients of committed entries in the background: every `intervalMs` for the tenants
   * this process appended to, and now and then for every tenant (entries of a node that stopped).
   */
  startIndexing(intervalMs = 1000, sweepEvery = 60): void {
    let ticks = 0;
    this.indexTimer = setInterval(() => {
      if (this.indexing) return;
      const sweep = ticks++ % sweepEvery === 0;
      this.indexing = this.indexTenants(sweep)
        .catch(() => undefined) // retried at the next tick
        .finally(() => (this.indexing = undefined));
    }, intervalMs);
    this.indexTimer.unref();
  }

  async stopIndexing(): Promise<void> {
    if (this.indexTimer) clearInterval(this.indexTimer);
    await this.indexing;
  }

  private async indexTenants(all: boolean): Promise<void> {
    const tenants = all
      ? (await this.db.global<{ id: number }>('SELECT id FROM tenant')).rows.map((r) => r.id)
      : [...this.unindexed];
    for (const tenantId of tenants) {
      this.unindexed.delete(tenantId);
      await indexPatients(this.db, tenantId);
    }
  }

  /** Indexes the patients of every committed entry of the tenant not indexed yet. */
  indexPatients(tenantId: number): Promise<number> {
    return indexPatients(this.db, tenantId);
  }

  /** The newest entries that touched `patient` (`Patient/<id>`), indexed or not yet, below entry `before`. */
  async entriesOfPatient(
    tenantId: number,
    patient: string,
    opts: { before: string | null; limit: number },
  ): Promise<{ seq: string; event: string; recorded: Date }[]> {
    const res = await this.db.query<{ seq: string; event: string; recorded: Date }>(
      tenantId,
      ENTRIES_OF_PATIENT,
      [tenantId, patient, opts.before, opts.limit],
    );
    return res.rows;
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
