import crypto from 'node:crypto';
import type { Queryable } from '../../../platform/db/pool.js';
import type { VisitRow } from '../store/visit-row.js';
import { serviceLinesOf } from './participant.js';

/**
 * A visit waits in one queue: its clinician's (booked visits) or its service line's (on demand).
 * The bus channel of a queue is a hash, so no clinician id or service line reaches a NATS subject.
 */
export type QueueKey = { kind: 'clinician'; practitionerId: string } | { kind: 'line'; serviceLine: string };

export function queueOf(v: Pick<VisitRow, 'appointmentId' | 'practitionerId' | 'serviceLine'>): QueueKey {
  return v.appointmentId && v.practitionerId
    ? { kind: 'clinician', practitionerId: v.practitionerId }
    : { kind: 'line', serviceLine: v.serviceLine };
}

/** The queues a clinician sees: their booked patients, and their service lines' on-demand queues. */
export async function queuesOfClinician(
  q: Queryable,
  tenantId: number,
  practitionerId: string,
): Promise<QueueKey[]> {
  const lines = await serviceLinesOf(q, tenantId, practitionerId);
  return [
    { kind: 'clinician', practitionerId },
    ...lines.map((serviceLine) => ({ kind: 'line' as const, serviceLine })),
  ];
}

export function queueChannel(tenantId: number, key: QueueKey): string {
  const name = key.kind === 'clinician' ? `c/${key.practitionerId}` : `l/${key.serviceLine}`;
  return `q${crypto.createHash('sha256').update(`${tenantId}/${name}`).digest('hex').slice(0, 40)}`;
}

export interface WaitingEntry {
  visitId: string;
  patientId: string;
  appointmentId: string | null;
  visitTypeId: string | null;
  startsAt: number | null;
  arrivedAt: number;
  expectedMinutes: number;
  intakeDone: boolean;
  consented: boolean;
  deviceVerdict: string | null;
}

type WaitingRaw = {
  id: string;
  patient_id: string;
  appointment_id: string | null;
  visit_type_id: string | null;
  starts_at: Date | null;
  arrived_at: Date;
  expected_minutes: number;
  intake_response_id: string | null;
  consent_id: string | null;
  verdict: string | null;
};

const WAITING_COLUMNS = `id, patient_id, appointment_id, visit_type_id, starts_at, arrived_at, expected_minutes,
  intake_response_id, consent_id, device_check->>'verdict' AS verdict`;

/** Booked patients are seen in appointment order; on-demand ones in arrival order. */
const ORDER = `ORDER BY coalesce(starts_at, arrived_at), arrived_at, id`;

function entry(r: WaitingRaw): WaitingEntry {
  return {
    visitId: r.id,
    patientId: r.patient_id,
    appointmentId: r.appointment_id,
    visitTypeId: r.visit_type_id,
    startsAt: r.starts_at?.getTime() ?? null,
    arrivedAt: r.arrived_at.getTime(),
    expectedMinutes: r.expected_minutes,
    intakeDone: r.intake_response_id !== null,
    consented: r.consent_id !== null,
    deviceVerdict: r.verdict,
  };
}

/** Who waits in one queue, in the order they will be seen. */
export async function waitingIn(q: Queryable, tenantId: number, key: QueueKey): Promise<WaitingEntry[]> {
  const res =
    key.kind === 'clinician'
      ? await q.prepared<WaitingRaw>(
          'visit_waiting_clinician',
          `SELECT ${WAITING_COLUMNS} FROM visit WHERE tenant_id = $1 AND practitioner_id = $2 AND status = 'arrived'
             AND appointment_id IS NOT NULL ${ORDER} LIMIT 500`,
          [tenantId, key.practitionerId],
        )
      : await q.prepared<WaitingRaw>(
          'visit_waiting_line',
          `SELECT ${WAITING_COLUMNS} FROM visit WHERE tenant_id = $1 AND service_line = $2 AND status = 'arrived'
             AND appointment_id IS NULL ${ORDER} LIMIT 500`,
          [tenantId, key.serviceLine],
        );
  return res.rows.map(entry);
}

export interface Place {
  /** 1 = next. */
  position: number;
  /** Minutes until the patient is likely seen, rounded up to 5; 0 when next and the clinician is free. */
  etaMinutes: number;
}

/** A queue as one read sees it: who waits, the clinician's recent pace, when they are free. */
export interface QueueSnapshot {
  waiting: WaitingEntry[];
  /** Median length of the clinician's last 20 visits, minutes; null without history. */
  paceMinutes: number | null;
  busyUntil: number;
  now: number;
}

export async function queueSnapshot(
  q: Queryable,
  tenantId: number,
  key: QueueKey,
  now: number,
): Promise<QueueSnapshot> {
  return {
    waiting: await waitingIn(q, tenantId, key),
    paceMinutes: await recentPaceMinutes(q, tenantId, key),
    busyUntil: await busyUntil(q, tenantId, key, now),
    now,
  };
}

/**
 * The patient's place and estimated wait: the visits ahead of them at the clinician's recent pace
 * (else each one's booked length), plus what is left of the visit in progress. A booked patient is
 * not seen before their appointment time.
 */
export function placeOf(snapshot: QueueSnapshot, visitId: string): Place | null {
  const index = snapshot.waiting.findIndex((w) => w.visitId === visitId);
  const me = snapshot.waiting[index];
  if (!me) return null;
  let minutes = Math.max(0, (snapshot.busyUntil - snapshot.now) / 60_000);
  for (const ahead of snapshot.waiting.slice(0, index))
    minutes += snapshot.paceMinutes ?? ahead.expectedMinutes;
  if (me.startsAt !== null) minutes = Math.max(minutes, (me.startsAt - snapshot.now) / 60_000);
  return { position: index + 1, etaMinutes: minutes <= 0 ? 0 : Math.ceil(minutes / 5) * 5 };
}
async function recentPaceMinutes(q: Queryable, tenantId: number, key: QueueKey): Promise<number | null> {
  if (key.kind !== 'clinician') return null;
  const res = await q.prepared<{ median: number | null }>(
    'visit_recent_pace',
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - admitted_at) / 60) AS median
       FROM (SELECT ended_at, admitted_at FROM visit WHERE tenant_id = $1 AND practitioner_id = $2
               AND status = 'finished' AND admitted_at IS NOT NULL ORDER BY ended_at DESC LIMIT 20) recent`,
    [tenantId, key.practitionerId],
  );
  const median = res.rows[0]?.median;
  return median === null || median === undefined ? null : Math.max(1, Number(median));
}

/** When the visit in progress in this queue is expected to end (now when none is). */
async function busyUntil(q: Queryable, tenantId: number, key: QueueKey, now: number): Promise<number> {
  if (key.kind !== 'clinician') return now;
  const res = await q.prepared<{ until: Date | null }>(
    'visit_busy_until',
    `SELECT max(admitted_at + make_interval(mins => expected_minutes)) AS until FROM visit
      WHERE tenant_id = $1 AND practitioner_id = $2 AND status = 'in-progress'`,
    [tenantId, key.practitionerId],
  );
  return Math.max(now, res.rows[0]?.until?.getTime() ?? now);
}
