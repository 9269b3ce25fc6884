/**
 * The bench's visits, made the way an operator's import would: clinicians (Practitioners) and
 * patients (Patients) through the FHIR API in transaction Bundles; the `visit` rows written with SQL
 * in batches, each with a lifecycle state made by the module's own pure state machine (planned →
 * check-in → admit); and each visit's Encounter (same id, as `encounterResource` renders the state)
 * through the FHIR API with PUT (update-as-create). Not written: outbox events, sched_booking rows
 * (the appointment ids are synthetic), intake answers and consents — the visit socket reads none of
 * them.
 */
import crypto from 'node:crypto';
import {
  encounterResource,
  plannedVisit,
  visitTransition,
  type VisitState,
} from '../../server/src/modules/visits/encounter/index.js';
import type { Database } from '../../server/src/platform/db/pool.js';
import type { Client } from '../lib/http.js';

const SERVICE_LINE = 'primary-care';
const VISIT_MINUTES = 20;
const BUNDLE = 250;
const IN_FLIGHT = 4;

/** One clinician's four sockets' worth of data: a visit in progress and a patient waiting. */
export interface BenchClinician {
  practitionerId: string;
  /** Admitted (in-progress): clinician and patient relay signaling. */
  callVisitId: string;
  /** Checked in, waiting in this clinician's queue (booked appointment). */
  waitingVisitId: string;
}

/** A visit in progress for the browser runs (its own clinician and patient). */
export interface BrowserVisit {
  visitId: string;
}

export interface BenchData {
  clinicians: BenchClinician[];
  browserVisits: BrowserVisit[];
}

interface TxAnswer {
  entry?: { response?: { status?: string; location?: string } }[];
}

/** Sends Bundles of entries, IN_FLIGHT at once; returns each entry's answer location in order. */
async function inBundles(
  client: Client,
  fhirPath: string,
  entries: Record<string, unknown>[],
  label: string,
): Promise<string[]> {
  const locations = new Array<string>(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const start = next;
      const batch = entries.slice(start, (next = Math.min(entries.length, start + BUNDLE)));
      const res = await client.send({
        method: 'POST',
        path: fhirPath,
        body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: batch }),
        headers: { prefer: 'return=minimal' },
      });
      if (res.status !== 200) throw new Error(`loading ${label}: ${res.status} ${res.text.slice(0, 500)}`);
      const got = (JSON.parse(res.text) as TxAnswer).entry ?? [];
      if (got.length !== batch.length) throw new Error(`loading ${label}: ${got.length} entries answered`);
      got.forEach((e, i) => (locations[start + i] = e.response?.location ?? ''));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return locations;
}

async function create(
  client: Client,
  fhirPath: string,
  resources: Record<string, unknown>[],
  label: string,
): Promise<string[]> {
  const locations = await inBundles(
    client,
    fhirPath,
    resources.map((resource) => ({
      resource,
      request: { method: 'POST', url: resource.resourceType },
    })),
    label,
  );
  return locations.map((l) => {
    const id = l.split('/')[1];
    if (!id) throw new Error(`loading ${label}: an entry without a location (${l})`);
    return id;
  });
}

interface NewVisitRow {
  id: string;
  appointment_id: string;
  patient_id: string;
  practitioner_id: string;
  status: string;
  state: VisitState;
  starts_at: string;
  arrived_at: string;
  admitted_at: string | null;
}

/**
 * A booked visit with `practitionerId`, checked in `arrivedAgoMin` minutes ago and, when
 * `admittedAgoMin` is given, admitted (video) then.
 */
function visitRow(
  practitionerId: string,
  patientId: string,
  now: number,
  startsInMin: number,
  arrivedAgoMin: number,
  admittedAgoMin?: number,
): NewVisitRow {
  const id = crypto.randomUUID();
  const appointmentId = `bench-${id}`;
  const arrivedAt = now - arrivedAgoMin * 60_000;
  let state = plannedVisit(
    { visitId: id, appointmentId, patientId, serviceLine: SERVICE_LINE, practitionerId },
    arrivedAt - 60 * 60_000,
  );
  state = visitTransition(state, { type: 'check-in' }, arrivedAt);
  const admittedAt = admittedAgoMin === undefined ? null : now - admittedAgoMin * 60_000;
  if (admittedAt !== null) state = visitTransition(state, { type: 'admit', modality: 'video' }, admittedAt);
  return {
    id,
    appointment_id: appointmentId,
    patient_id: patientId,
    practitioner_id: practitionerId,
    status: state.status,
    state,
    starts_at: new Date(now + startsInMin * 60_000).toISOString(),
    arrived_at: new Date(arrivedAt).toISOString(),
    admitted_at: admittedAt === null ? null : new Date(admittedAt).toISOString(),
  };
}

export async function createBenchData(opts: {
  db: Database;
  tenantId: number;
  fhir: Client;
  fhirPath: string;
  clinicians: number;
  browserVisits: number;
}): Promise<BenchData> {
  const { clinicians, browserVisits } = opts;
  const doctors = clinicians + browserVisits;
  const patients = 2 * clinicians + browserVisits;
  const t0 = performance.now();
  const practitionerIds = await create(
    opts.fhir,
    opts.fhirPath,
    Array.from({ length: doctors }, (_, i) => ({
      resourceType: 'Practitioner',
      active: true,
      name: [{ family: `Bench${i}`, given: ['Clinician'], prefix: ['Dr.'] }],
    })),
    'Practitioners',
  );
  const patientIds = await create(
    opts.fhir,
    opts.fhirPath,
    Array.from({ length: patients }, (_, i) => ({
      resourceType: 'Patient',
      name: [{ family: `Bench${i}`, given: ['Patient'] }],
      gender: i % 2 ? 'female' : 'male',
      birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    })),
    'Patients',
  );
  console.log(
    `  ${doctors.toLocaleString('en-US')} Practitioners and ${patients.toLocaleString('en-US')} Patients in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Each clinician: one visit in progress (admitted 0–15 min ago) and one booked patient waiting
  // for the next slot (checked in 1–10 min ago).
  const now = Date.now();
  const rows: NewVisitRow[] = [];
  const out: BenchData = { clinicians: [], browserVisits: [] };
  for (let i = 0; i < clinicians; i++) {
    const practitionerId = practitionerIds[i] as string;
    const call = visitRow(practitionerId, patientIds[2 * i] as string, now, -(i % 15), 5 + (i % 15), i % 15);
    const waiting = visitRow(practitionerId, patientIds[2 * i + 1] as string, now, 5, 1 + (i % 10));
    rows.push(call, waiting);
    out.clinicians.push({ practitionerId, callVisitId: call.id, waitingVisitId: waiting.id });
  }
  for (let i = 0; i < browserVisits; i++) {
    const v = visitRow(
      practitionerIds[clinicians + i] as string,
      patientIds[2 * clinicians + i] as string,
      now,
      0,
      3,
      1,
    );
    rows.push(v);
    out.browserVisits.push({ visitId: v.id });
  }

  const t1 = performance.now();
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    await opts.db.transaction(opts.tenantId, (q) =>
      q.query(
        `INSERT INTO visit (tenant_id, id, appointment_id, service_line, visit_type_id, patient_id, practitioner_id,
           status, state, starts_at, expected_minutes, arrived_at, admitted_at)
         SELECT $1, x.id, x.appointment_id, $2, NULL, x.patient_id, x.practitioner_id, x.status, x.state,
                x.starts_at, $3, x.arrived_at, x.admitted_at
           FROM jsonb_to_recordset($4::jsonb) AS x(id uuid, appointment_id text, patient_id text,
                practitioner_id text, status text, state jsonb, starts_at timestamptz, arrived_at timestamptz,
                admitted_at timestamptz)`,
        [opts.tenantId, SERVICE_LINE, VISIT_MINUTES, JSON.stringify(batch)],
      ),
    );
  }
  await opts.db.global('ANALYZE visit').catch(() => undefined);
  console.log(
    `  ${rows.length.toLocaleString('en-US')} visit rows in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );

  const t2 = performance.now();
  await inBundles(
    opts.fhir,
    opts.fhirPath,
    rows.map((r) => ({
      resource: { ...encounterResource(r.state), id: r.id },
      request: { method: 'PUT', url: `Encounter/${r.id}` },
    })),
    'Encounters',
  );
  console.log(
    `  ${rows.length.toLocaleString('en-US')} Encounters (PUT, same ids) in ${((performance.now() - t2) / 1000).toFixed(1)} s`,
  );
  return out;
}
