import { after, before, beforeEach } from 'node:test';
import pg from 'pg';
import { definitions } from '../../src/fhir/definitions/index.js';
import { OPEN_ACCESS } from '../../src/fhir/interactions/access.js';
import { createResource } from '../../src/fhir/interactions/write.js';
import { createFhirDeps, type FhirDeps } from '../../src/fhir/rest/deps-factory.js';
import { SearchParamRegistry } from '../../src/fhir/storage/search-param-registry.js';
import type { ClinicianAvailability, VisitType } from '../../src/modules/scheduling/availability/types.js';
import type { BookingServices, SchedulingCounters } from '../../src/modules/scheduling/booking/services.js';
import { SchedulingConfig } from '../../src/modules/scheduling/config/store.js';
import type { BookRequest } from '../../src/modules/scheduling/booking/book.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A clock the tests move by hand. */
export class TestClock {
  constructor(public ms: number) {}
  now = () => this.ms;
  advance(minutes: number) {
    this.ms += minutes * 60_000;
  }
}

export class CountingCounters implements SchedulingCounters {
  readonly counts = new Map<string, number>();
  count(event: string, serviceLine: string) {
    const key = `${event}:${serviceLine}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(event: string, serviceLine = 'primary-care') {
    return this.counts.get(`${event}:${serviceLine}`) ?? 0;
  }
}

export interface SchedulingFixture {
  services: BookingServices;
  fhir: FhirDeps;
  clock: TestClock;
  counters: CountingCounters;
}

export async function schedulingFixture(t: TestDatabase, now: number): Promise<SchedulingFixture> {
  const defs = definitions();
  const registry = await SearchParamRegistry.load(t.db, defs);
  const fhir = await createFhirDeps({ db: t.db, defs, registry, fhirBaseUrl: 'http://localhost/fhir/R4' });
  const clock = new TestClock(now);
  const counters = new CountingCounters();
  return {
    fhir,
    clock,
    counters,
    services: { db: t.db, fhir: fhir.deps, config: new SchedulingConfig(), now: clock.now, counters },
  };
}

export const primaryCare30: VisitType = {
  id: 'pc-video-30',
  serviceLine: 'primary-care',
  name: 'Primary care video visit',
  durationMin: 30,
  modalities: ['video', 'audio'],
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  minNoticeMin: 60,
  bookingWindowDays: 60,
  patientKind: 'any',
  bookableBy: ['patient', 'caregiver', 'front-desk', 'clinician'],
  groupCapacity: 1,
};

/** A clinician working weekdays in their zone, licensed in MA and NY, speaking English. */
export function weekdayClinician(
  id: string,
  over: Partial<ClinicianAvailability> = {},
): ClinicianAvailability {
  return {
    practitionerId: id,
    timeZone: 'America/New_York',
    rules: [
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '17:00', validFrom: '2026-01-01' },
    ],
    overrides: [],
    timeOff: [],
    licensedStates: ['MA', 'NY'],
    languages: ['en'],
    serviceLines: ['primary-care'],
    weight: 1,
    ...over,
  };
}

export async function configure(
  f: SchedulingFixture,
  tenantId: number,
  visitTypes: VisitType[],
  clinicians: ClinicianAvailability[],
): Promise<void> {
  await f.services.db.transaction(tenantId, async (q) => {
    for (const vt of visitTypes) await f.services.config.saveVisitType(q, tenantId, vt);
    for (const c of clinicians) await f.services.config.saveClinician(q, tenantId, c);
  });
}

/** Patients as FHIR resources (the Appointments reference them). */
export async function createPatients(f: SchedulingFixture, tenantId: number, n: number): Promise<string[]> {
  const ids: string[] = [];
  await f.services.db.transaction(tenantId, async (q) => {
    for (let i = 0; i < n; i++) {
      const { stored } = await createResource(f.fhir.deps, { tenantId, access: OPEN_ACCESS, q }, 'Patient', {
        resourceType: 'Patient',
        name: [{ given: [`Test${i}`], family: 'Patient' }],
      });
      ids.push(stored.id);
    }
  });
  return ids;
}

/** Empties every scheduling table (as the owner: the app role may not delete bookings). */
export async function emptyCalendar(t: TestDatabase): Promise<void> {
  const owner = new pg.Client({ connectionString: t.url });
  await owner.connect();
  try {
    for (const table of [
      'sched_notice',
      'sched_offer',
      'sched_waitlist',
      'sched_seat',
      'sched_booking',
      'sched_load',
      'sched_clinician',
      'sched_rotation',
      'sched_policy',
    ])
      await owner.query(`DELETE FROM ${table}`);
    await owner.query(`DELETE FROM outbox WHERE topic = 'scheduling'`);
  } finally {
    await owner.end();
  }
}

/** Pairs of one clinician's live bookings whose blocked ranges overlap: must always be none. */
export async function doubleBookings(t: TestDatabase, tenantId: number): Promise<number> {
  const res = await t.db.query<{ n: string }>(
    tenantId,
    `SELECT count(*) AS n FROM sched_booking a JOIN sched_booking b
       ON a.tenant_id = b.tenant_id AND a.practitioner_id = b.practitioner_id AND a.id < b.id AND a.blocked && b.blocked
     WHERE a.tenant_id = $1 AND a.status IN ('held', 'booked', 'checked-in') AND b.status IN ('held', 'booked', 'checked-in')`,
    [tenantId],
  );
  return Number(res.rows[0]?.n);
}

/** A booking test suite's database, fixture and patients, and its request builder. */
export interface BookingSuite {
  t: TestDatabase;
  f: SchedulingFixture;
  patients: string[];
  request(over: Partial<BookRequest>): BookRequest;
}

/**
 * Registers the hooks of a booking suite (call inside `describe`): a fresh database with 12
 * patients, and before each test the clock at `now` and an empty calendar. The fields are set
 * once the suite's `before` has run.
 */
export function bookingSuite(now: number, defaults: Omit<BookRequest, 'patientId'>): BookingSuite {
  const suite = {
    patients: [] as string[],
    request: (over: Partial<BookRequest>): BookRequest => ({
      ...defaults,
      patientId: suite.patients[0] ?? '',
      ...over,
    }),
  } as BookingSuite;
  before(async () => {
    suite.t = await createTestDatabase();
    suite.f = await schedulingFixture(suite.t, now);
    suite.patients = await createPatients(suite.f, suite.t.tenantA, 12);
  });
  after(async () => suite.t?.close());
  beforeEach(async () => {
    suite.f.clock.ms = now;
    await emptyCalendar(suite.t);
  });
  return suite;
}
