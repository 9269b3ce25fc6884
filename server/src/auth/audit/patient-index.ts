import type { Database } from '../../platform/db/pool.js';

/** Entries indexed per statement; a longer backlog takes several. */
const BATCH = 5000;

/**
 * Writes the `audit_patient` rows ("who accessed my record") of committed entries, after the fact
 * and in bulk: the append every request waits for does not carry them. Per chain, the cursor moves
 * over a contiguous run of entries in the same statement that indexes them; a node indexing a chain
 * skips it while another holds its cursor.
 */
const INDEX = `WITH c AS (
    SELECT lane, indexed_seq FROM audit_patient_cursor WHERE tenant_id = $1 FOR UPDATE SKIP LOCKED),
  e AS (
    SELECT l.lane, l.seq, l.id, l.patients FROM c
    JOIN audit_log l ON l.tenant_id = $1 AND l.lane = c.lane AND l.seq > c.indexed_seq
    ORDER BY l.lane, l.seq LIMIT ${BATCH}),
  ins AS (
    INSERT INTO audit_patient (tenant_id, patient, entry_id)
    SELECT DISTINCT $1, p, e.id FROM e, unnest(e.patients) AS p
    ON CONFLICT DO NOTHING)
  UPDATE audit_patient_cursor u SET indexed_seq = m.seq
  FROM (SELECT lane, max(seq) AS seq FROM e GROUP BY lane) m
  WHERE u.tenant_id = $1 AND u.lane = m.lane
  RETURNING (SELECT count(*) FROM e) AS entries`;

/**
 * The newest entries that touched `patient` (`Patient/<id>`), newest first, below entry id `before`:
 * those indexed, and those after each chain's cursor, found by their patients array.
 */
export const ENTRIES_OF_PATIENT = `SELECT id::text AS seq, event, recorded FROM (
    SELECT l.id, l.event, l.recorded FROM audit_patient p
    JOIN audit_log l ON l.tenant_id = p.tenant_id AND l.id = p.entry_id
    WHERE p.tenant_id = $1 AND p.patient = $2 AND ($3::bigint IS NULL OR p.entry_id < $3::bigint)
    UNION ALL
    SELECT l.id, l.event, l.recorded FROM audit_patient_cursor c
    JOIN audit_log l ON l.tenant_id = c.tenant_id AND l.lane = c.lane AND l.seq > c.indexed_seq
    WHERE c.tenant_id = $1 AND $2 = ANY (l.patients) AND ($3::bigint IS NULL OR l.id < $3::bigint)
  ) entries ORDER BY id DESC LIMIT $4`;

/** Indexes every committed entry of the tenant not yet indexed; how many entries it indexed. */
export async function indexPatients(db: Database, tenantId: number): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await db.query<{ entries: string }>(tenantId, INDEX, [tenantId], 'audit_index_patients');
    const n = Number(res.rows[0]?.entries ?? 0);
    total += n;
    if (n < BATCH) return total;
  }
}
