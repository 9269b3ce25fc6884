import type { Database, Queryable } from '../../../platform/db/pool.js';
import type { Channel, NoticeKind } from './types.js';

/** A notice a worker holds (status 'sending') until its lease ends. */
export interface ClaimedNotice {
  tenantId: number;
  id: string;
  key: string;
  bookingId: string | null;
  offerId: string | null;
  patientId: string;
  kind: NoticeKind;
  channel: Channel;
  /** This claim's attempt number: also the fencing token every later update of the row names. */
  attempts: number;
  startsAt: Date | null;
  version: number | null;
}

type Row = {
  tenant_id: number;
  id: string;
  idem_key: string;
  booking_id: string | null;
  offer_id: string | null;
  patient_id: string;
  kind: NoticeKind;
  channel: Channel;
  attempts: number;
  booking_starts_at: Date | null;
  booking_version: number | null;
  next_attempt_at: Date;
};

// Times come from the worker's clock when it has one (tests), else from the database's, which is
// the one clock every worker process shares: leases are compared on it.
const NOW = 'coalesce($1::timestamptz, now())';

/**
 * Claims due notices of every tenant: pending ones whose time has come and 'sending' ones whose
 * lease ran out (their worker died mid-send). `SKIP LOCKED` gives each row to one worker; the
 * claim commits before anything is sent, so the lease is visible to every other worker.
 */
export async function claimDue(
  db: Database,
  opts: { now: Date | null; limit: number; leaseMs: number },
): Promise<ClaimedNotice[]> {
  const res = await db.relayTransaction((q) =>
    q.query<Row>(
      `WITH due AS (
         SELECT tenant_id, id FROM sched_notice
          WHERE (status = 'pending' AND next_attempt_at <= ${NOW})
             OR (status = 'sending' AND lease_until <= ${NOW})
          ORDER BY next_attempt_at, id
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE sched_notice n
          SET status = 'sending', attempts = n.attempts + 1,
              lease_until = ${NOW} + $3::integer * interval '1 millisecond', updated_at = now()
         FROM due
        WHERE n.tenant_id = due.tenant_id AND n.id = due.id
       RETURNING n.tenant_id, n.id, n.idem_key, n.booking_id, n.offer_id, n.patient_id, n.kind,
                 n.channel, n.attempts, n.booking_starts_at, n.booking_version, n.next_attempt_at`,
      [opts.now, opts.limit, opts.leaseMs],
    ),
  );
  // RETURNING keeps no order: most overdue first, then oldest (ids are time-ordered).
  const rows = res.rows.sort(
    (a, b) =>
      a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    id: r.id,
    key: r.idem_key,
    bookingId: r.booking_id,
    offerId: r.offer_id,
    patientId: r.patient_id,
    kind: r.kind,
    channel: r.channel,
    attempts: r.attempts,
    startsAt: r.booking_starts_at,
    version: r.booking_version,
  }));
}

/**
 * Starts a fresh lease just before sending (a batch's later rows would otherwise send on a lease
 * mostly spent), returning the current time. Undefined when the row is no longer this claim's:
 * another worker took it over after the first lease ran out.
 */
export async function renewLease(
  q: Queryable,
  n: ClaimedNotice,
  opts: { now: Date | null; leaseMs: number },
): Promise<Date | undefined> {
  const res = await q.query<{ now: Date }>(
    `UPDATE sched_notice SET lease_until = ${NOW} + $4::integer * interval '1 millisecond', updated_at = now()
      WHERE tenant_id = $2 AND id = $3 AND status = 'sending' AND attempts = $5
     RETURNING ${NOW} AS now`,
    [opts.now, n.tenantId, n.id, opts.leaseMs, n.attempts],
  );
  return res.rows[0]?.now;
}

export type Finish =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'skipped' | 'failed'; code: string }
  | { status: 'pending'; code: string; retryInMs: number };

/**
 * Records what became of a claim. Fenced by the attempt number: a worker whose row was taken over
 * after its lease ran out changes nothing (false), and the taker's outcome stands.
 */
export async function finishNotice(
  db: Database,
  n: ClaimedNotice,
  f: Finish,
  now: Date | null,
): Promise<boolean> {
  const res = await db.query(
    n.tenantId,
    `UPDATE sched_notice
        SET status = $4,
            sent_at = CASE WHEN $4::text = 'sent' THEN ${NOW} END,
            provider_message_id = $5,
            last_error = $6,
            next_attempt_at = CASE WHEN $4::text = 'pending' THEN ${NOW} + $7::integer * interval '1 millisecond'
                                   ELSE next_attempt_at END,
            lease_until = NULL,
            updated_at = now()
      WHERE tenant_id = $2 AND id = $3 AND status = 'sending' AND attempts = $8`,
    [
      now,
      n.tenantId,
      n.id,
      f.status,
      f.status === 'sent' ? f.providerMessageId : null,
      f.status === 'sent' ? null : f.code,
      f.status === 'pending' ? Math.round(f.retryInMs) : 0,
      n.attempts,
    ],
  );
  return res.rowCount === 1;
}
