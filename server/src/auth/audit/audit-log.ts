import type { Database, Queryable } from '../../platform/db/pool.js';
import { GENESIS, entryHash } from './chain.js';

export interface AuditRecord {
  /**
   * One access, in the compact form `entries.ts` expands to a FHIR AuditEvent (an AccessRecord of
   * `events/`); stored as JSON, so anything JSON-able is accepted.
   */
  access: object;
  /** Every `Patient/<id>` whose record the access touched ("who accessed my record"). */
  patients?: readonly string[];
}

/** The stored text of one entry: the accesses of one batch. */
export interface StoredEntry {
  v: 2;
  accesses: object[];
}

export type VerifyResult =
  | { ok: true; entries: number }
  /** `lane`/`seq` is the first entry that was altered, or the first one missing. */
  | { ok: false; entries: number; lane: number; seq: string; problem: 'altered' | 'missing' };

/**
 * Independent chains per tenant; appends to different lanes commit in parallel. One by default: on a
 * CPU-bound node more lanes mean smaller batches and more work per entry; several help when commit
 * latency, not CPU, bounds the audit rate.
 */
export const LANES = 1;

interface Pending {
  record: AuditRecord;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface LaneQueue {
  tenantId: number;
  lane: number;
  waiting: Pending[];
  busy: boolean;
}

type HeadRow = {
  seq: string;
  entry_hash: Buffer;
};

const PAGE = 5000;

interface ChainEnd {
  seq: bigint;
  hash: Buffer;
}

/**
 * The batch as one entry chained after `start`: its text (every access of the batch), the patients
 * it touched, and its hash. One row per batch keeps the cost of auditing a read to a few
 * microseconds of JSON: the index entries, row header and WAL record are shared by the batch.
 */
function chain(start: ChainEnd, batch: Pending[]) {
  const recorded = new Date().toISOString();
  const seq = start.seq + 1n;
  const entry: StoredEntry = { v: 2, accesses: batch.map((p) => p.record.access) };
  const text = JSON.stringify(entry);
  const hash = entryHash(start.hash, seq, recorded, text);
  const patients = [...new Set(batch.flatMap((p) => p.record.patients ?? []))];
  return { recorded, seq, text, hash, patients: patients.length > 0 ? patients : null, end: { seq, hash } };
}

/**
 * The append-only, hash-chained audit log of each tenant, in LANES parallel chains. Appends from
 * concurrent requests are gathered into one statement per lane (each chain is written in order), a
 * new append goes to an idle lane when there is one, and each caller's promise settles only when its
 * entry is committed: a request whose audit entry cannot be written fails with it.
 */
export class AuditLog {
  private readonly queues = new Map<string, LaneQueue>();
  /** The end of each lane's chain as this process last wrote it. */
  private readonly heads = new Map<string, ChainEnd>();

  constructor(
    private readonly db: Database,
    private readonly opts: { maxBatch: number; lanes: number } = { maxBatch: 500, lanes: LANES },
  ) {}

  append(tenantId: number, record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      const lane = this.pickLane(tenantId);
      const key = `${tenantId}/${lane}`;
      let queue = this.queues.get(key);
      if (!queue) this.queues.set(key, (queue = { tenantId, lane, waiting: [], busy: false }));
      queue.waiting.push({ record, resolve, reject });
      this.pump(key, queue);
    });
  }

  /** An idle lane if any; otherwise the one with the fewest entries waiting. */
  private pickLane(tenantId: number): number {
    let best = 0;
    let bestLoad = Infinity;
    for (let lane = 0; lane < this.opts.lanes; lane++) {
      const q = this.queues.get(`${tenantId}/${lane}`);
      if (!q) return lane;
      const load = q.waiting.length + (q.busy ? 1 : 0);
      if (load < bestLoad) {
        best = lane;
        bestLoad = load;
      }
    }
    return best;
  }

  private pump(key: string, queue: LaneQueue): void {
    if (queue.busy || queue.waiting.length === 0) return;
    const batch = queue.waiting.splice(0, this.opts.maxBatch);
    queue.busy = true;
    this.write(queue.tenantId, queue.lane, batch)
      .then(
        () => batch.forEach((p) => p.resolve()),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        queue.busy = false;
        if (queue.waiting.length > 0) this.pump(key, queue);
        else this.queues.delete(key);
      });
  }

  private async write(tenantId: number, lane: number, batch: Pending[]): Promise<void> {
    const key = `${tenantId}/${lane}`;
    const known = this.heads.get(key);
    // The head this process wrote last is usually still the head: then one statement appends the
    // batch, checking that under the head's row lock. Otherwise (first use, another node appended)
    // the head is read under lock first.
    if (known && (await this.appendAfter(tenantId, lane, known, batch))) return;
    const end = await this.db.transaction(tenantId, async (q) => {
      // Creates the lane's head on first use and locks it: appends to one lane queue up here.
      const head = await q.query<HeadRow>(
        `INSERT INTO audit_head (tenant_id, lane, seq, entry_hash) VALUES ($1, $2, 0, $3)
         ON CONFLICT (tenant_id, lane) DO UPDATE SET seq = audit_head.seq RETURNING seq::text, entry_hash`,
        [tenantId, lane, GENESIS],
      );
      const row = head.rows[0];
      if (!row) throw new Error('audit chain head missing');
      const c = chain({ seq: BigInt(row.seq), hash: row.entry_hash }, batch);
      await q.prepared(
        'audit_append_locked',
        `WITH ins AS (INSERT INTO audit_log (tenant_id, lane, seq, recorded, patients, event, entry_hash)
                      VALUES ($1, $3, $4, $2, $6, $7, $5) RETURNING id),
              pat AS (INSERT INTO audit_patient (tenant_id, patient, entry_id)
                      SELECT $1, p, ins.id FROM ins, unnest($6::text[]) AS p)
         UPDATE audit_head SET seq = $4, entry_hash = $5 WHERE tenant_id = $1 AND lane = $3`,
        [tenantId, c.recorded, lane, c.seq.toString(), c.hash, c.patients, c.text],
      );
      return c.end;
    });
    this.heads.set(key, end);
  }

  /** One statement: append after `known` if it is still the lane's head; false when it is not. */
  private async appendAfter(
    tenantId: number,
    lane: number,
    known: ChainEnd,
    batch: Pending[],
  ): Promise<boolean> {
    const key = `${tenantId}/${lane}`;
    const c = chain(known, batch);
    const res = await this.db.query(
      tenantId,
      `WITH h AS (SELECT 1 FROM audit_head WHERE tenant_id = $1 AND lane = $3 AND seq = $6 AND entry_hash = $7 FOR UPDATE),
       ins AS (INSERT INTO audit_log (tenant_id, lane, seq, recorded, patients, event, entry_hash)
               SELECT $1, $3, $4, $2, $8, $9, $5 WHERE EXISTS (SELECT 1 FROM h) RETURNING id),
       pat AS (INSERT INTO audit_patient (tenant_id, patient, entry_id)
               SELECT $1, p, ins.id FROM ins, unnest($8::text[]) AS p)
       UPDATE audit_head SET seq = $4, entry_hash = $5 WHERE tenant_id = $1 AND lane = $3 AND EXISTS (SELECT 1 FROM h)`,
      [
        tenantId,
        c.recorded,
        lane,
        c.seq.toString(),
        c.hash,
        known.seq.toString(),
        known.hash,
        c.patients,
        c.text,
      ],
      'audit_append',
    );
    if (res.rowCount !== 1) {
      this.heads.delete(key);
      return false;
    }
    this.heads.set(key, c.end);
    return true;
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
