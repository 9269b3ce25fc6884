import type { Database, Queryable } from '../../platform/db/pool.js';
import { GENESIS, entryHash } from './chain.js';

export interface AuditRecord {
  /** A FHIR AuditEvent; `recorded` is set by the log when the entry is written. */
  event: Record<string, unknown> & { resourceType: 'AuditEvent' };
  /** Every `Patient/<id>` whose record the event touched ("who accessed my record"). */
  patients?: readonly string[];
}

export type VerifyResult =
  | { ok: true; entries: number }
  /** `seq` is the first entry that was altered, or the first one missing. */
  | { ok: false; entries: number; seq: string; problem: 'altered' | 'missing' };

interface Pending {
  record: AuditRecord;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface TenantQueue {
  waiting: Pending[];
  busy: boolean;
}

type HeadRow = {
  seq: string;
  entry_hash: Buffer;
};

const PAGE = 5000;

/**
 * The append-only, hash-chained audit log of each tenant. Appends from concurrent requests are
 * gathered into one transaction per tenant (the chain is written in order anyway), and each caller's
 * promise settles only when its entry is committed: a request whose audit entry cannot be written
 * fails with it.
 */
export class AuditLog {
  private readonly queues = new Map<number, TenantQueue>();

  constructor(
    private readonly db: Database,
    private readonly opts: { maxBatch: number } = { maxBatch: 500 },
  ) {}

  append(tenantId: number, record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(tenantId);
      if (!queue) this.queues.set(tenantId, (queue = { waiting: [], busy: false }));
      queue.waiting.push({ record, resolve, reject });
      this.pump(tenantId, queue);
    });
  }

  private pump(tenantId: number, queue: TenantQueue): void {
    if (queue.busy || queue.waiting.length === 0) return;
    const batch = queue.waiting.splice(0, this.opts.maxBatch);
    queue.busy = true;
    this.write(tenantId, batch)
      .then(
        () => batch.forEach((p) => p.resolve()),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        queue.busy = false;
        if (queue.waiting.length > 0) this.pump(tenantId, queue);
        else this.queues.delete(tenantId);
      });
  }

  private async write(tenantId: number, batch: Pending[]): Promise<void> {
    await this.db.transaction(tenantId, async (q) => {
      // Creates the chain's head on first use and locks it: appends of one tenant queue up here.
      const head = await q.query<HeadRow>(
        `INSERT INTO audit_head (tenant_id, seq, entry_hash) VALUES ($1, 0, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_head.seq RETURNING seq::text, entry_hash`,
        [tenantId, GENESIS],
      );
      const row = head.rows[0];
      if (!row) throw new Error('audit chain head missing');
      let seq = BigInt(row.seq);
      let previous = row.entry_hash;
      const recorded = new Date().toISOString();
      const seqs: string[] = [];
      // One text per entry (references joined by spaces, which no reference contains): unnest cannot
      // carry an array per row.
      const patients: (string | null)[] = [];
      const events: string[] = [];
      const hashes: Buffer[] = [];
      for (const p of batch) {
        seq += 1n;
        const event = JSON.stringify({ ...p.record.event, recorded });
        previous = entryHash(previous, seq, recorded, event);
        seqs.push(seq.toString());
        const touched = p.record.patients ?? [];
        patients.push(touched.length > 0 ? touched.join(' ') : null);
        events.push(event);
        hashes.push(previous);
      }
      await q.query(
        `WITH ins AS (
           INSERT INTO audit_log (tenant_id, seq, recorded, patients, event, entry_hash)
           SELECT $1, s, $2::timestamptz, string_to_array(p, ' '), e, h FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bytea[]) AS x(s, p, e, h))
         UPDATE audit_head SET seq = $7, entry_hash = $8 WHERE tenant_id = $1`,
        [tenantId, recorded, seqs, patients, events, hashes, seq.toString(), previous],
      );
    });
  }

  /** Recomputes the tenant's chain and compares it with every stored entry and the head. */
  async verify(tenantId: number): Promise<VerifyResult> {
    return this.db.withTenant(tenantId, (q) => verifyChain(q, tenantId));
  }
}

async function verifyChain(q: Queryable, tenantId: number): Promise<VerifyResult> {
  let previous: Buffer = GENESIS;
  let expected = 1n;
  let entries = 0;
  for (;;) {
    const page = await q.query<{ seq: string; recorded: Date; event: string; entry_hash: Buffer }>(
      `SELECT seq::text, recorded, event, entry_hash FROM audit_log
       WHERE tenant_id = $1 AND seq >= $2 ORDER BY audit_log.seq LIMIT ${PAGE}`,
      [tenantId, expected.toString()],
    );
    for (const r of page.rows) {
      const seq = BigInt(r.seq);
      if (seq !== expected) return { ok: false, entries, seq: expected.toString(), problem: 'missing' };
      const hash = entryHash(previous, seq, r.recorded.toISOString(), r.event);
      if (!hash.equals(r.entry_hash)) return { ok: false, entries, seq: r.seq, problem: 'altered' };
      previous = hash;
      expected += 1n;
      entries++;
    }
    if (page.rows.length < PAGE) break;
  }
  const head = (
    await q.query<HeadRow>('SELECT seq::text, entry_hash FROM audit_head WHERE tenant_id = $1', [tenantId])
  ).rows[0];
  const last = expected - 1n;
  if (!head)
    return entries === 0 ? { ok: true, entries } : { ok: false, entries, seq: '1', problem: 'altered' };
  // Entries cut off the end of the chain: the head still remembers how far it went.
  if (BigInt(head.seq) > last) return { ok: false, entries, seq: expected.toString(), problem: 'missing' };
  if (BigInt(head.seq) < last || !head.entry_hash.equals(previous))
    return { ok: false, entries, seq: head.seq === '0' ? '1' : head.seq, problem: 'altered' };
  return { ok: true, entries };
}
