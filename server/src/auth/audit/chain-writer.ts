import type { Database } from '../../platform/db/pool.js';
import { GENESIS } from './chain.js';

export interface AuditRecord {
  /**
   * One access, in the compact form `entries.ts` expands to a FHIR AuditEvent (an AccessRecord of
   * `events/`); stored as JSON, so anything JSON-able is accepted.
   */
  access: object;
  /** Every `Patient/<id>` whose record the access touched ("who accessed my record"). */
  patients?: readonly string[];
}

/**
 * The stored text of one entry: the accesses of one batch. In v3 an access's `agent` (the same
 * object for every request of one client and user) is stored once in `agents` and referred to by
 * its index; v2 entries carry it in every access.
 */
export type StoredEntry =
  { v: 2; accesses: object[] } | { v: 3; agents: object[]; accesses: (object & { agent?: number })[] };

/**
 * Independent chains per tenant; appends to different lanes commit in parallel. One by default: on a
 * CPU-bound node more lanes mean smaller batches and more work per entry; several help when commit
 * latency, not CPU, bounds the audit rate.
 */
export const LANES = 1;

export type HeadRow = {
  seq: string;
  entry_hash: Buffer;
};

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

/**
 * Appends a batch as one entry after the lane's head, in one statement that locks the head, chains
 * the entry on it and moves it (chain.ts's formula, computed by PostgreSQL: sha256(previous ‖ seq as
 * 8 bytes big-endian ‖ recorded ‖ 0x00 ‖ event)). Whatever another node appended before, the entry
 * goes after it: no node needs to know the head in advance. The head is locked by key and read once
 * locked, so a statement that waited for another append's commit chains on the head that one left.
 */
const APPEND = `WITH locked AS (
    SELECT seq, entry_hash FROM audit_head WHERE tenant_id = $1 AND lane = $2 FOR UPDATE),
  ins AS (
    INSERT INTO audit_log (tenant_id, lane, seq, recorded, patients, event, entry_hash)
    SELECT $1, $2, seq + 1, $3::text::timestamptz, $4::text[], $5::text,
           sha256(entry_hash || int8send(seq + 1) || convert_to($3::text, 'UTF8') || '\\x00'::bytea
                  || convert_to($5::text, 'UTF8'))
    FROM locked RETURNING id, seq, entry_hash)
  UPDATE audit_head h SET seq = ins.seq, entry_hash = ins.entry_hash FROM ins
  WHERE h.tenant_id = $1 AND h.lane = $2`;

/**
 * A batch as a v3 entry: each agent once. Agents are told apart by identity (the access layer hands
 * the same agent object to every request of one token and address); equal agents that are distinct
 * objects are stored twice, which is correct, only longer.
 */
function entryOf(batch: Pending[]): StoredEntry {
  const agents: object[] = [];
  const index = new Map<object, number>();
  const accesses = batch.map(({ record }) => {
    const { agent, ...rest } = record.access as { agent?: unknown };
    if (agent === undefined || agent === null || typeof agent !== 'object') return record.access;
    let i = index.get(agent);
    if (i === undefined) {
      i = agents.push(agent) - 1;
      index.set(agent, i);
    }
    return { ...rest, agent: i };
  });
  return { v: 3, agents, accesses };
}

/**
 * Writes the hash chains of each tenant, in LANES parallel chains. Appends that arrive while a lane's
 * batch is being written are gathered into its next batch (one statement, one row: the index entries,
 * row header and WAL record are shared by the batch); a new append goes to the least loaded lane, and
 * each promise settles only when its entry is committed.
 */
export class ChainWriter {
  private readonly queues = new Map<string, LaneQueue>();
  /** Lanes whose head row is known to exist. */
  private readonly started = new Set<string>();

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
    const recorded = new Date().toISOString();
    const entry = entryOf(batch);
    const patients = [...new Set(batch.flatMap((p) => p.record.patients ?? []))];
    const params = [tenantId, lane, recorded, patients.length > 0 ? patients : null, JSON.stringify(entry)];
    if (!this.started.has(key)) await this.startLane(tenantId, lane);
    const res = await this.db.query(tenantId, APPEND, params, 'audit_append_chained');
    if (res.rowCount === 1) return;
    throw new Error('audit chain head missing');
  }

  /** Creates the lane's head (the chain's start) and its patient-index cursor unless they exist. */
  private async startLane(tenantId: number, lane: number): Promise<void> {
    await this.db.query(
      tenantId,
      `WITH head AS (INSERT INTO audit_head (tenant_id, lane, seq, entry_hash) VALUES ($1, $2, 0, $3)
                     ON CONFLICT (tenant_id, lane) DO NOTHING)
       INSERT INTO audit_patient_cursor (tenant_id, lane, indexed_seq) VALUES ($1, $2, 0)
       ON CONFLICT (tenant_id, lane) DO NOTHING`,
      [tenantId, lane, GENESIS],
    );
    this.started.add(`${tenantId}/${lane}`);
  }
}
