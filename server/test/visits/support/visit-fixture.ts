import assert from 'node:assert/strict';
import { OPEN_ACCESS } from '../../../src/fhir/interactions/access.js';
import { createResource } from '../../../src/fhir/interactions/write.js';
import type { AppDeps } from '../../../src/app.js';
import type { VisitType } from '../../../src/modules/scheduling/availability/types.js';
import { bookVisit } from '../../../src/modules/scheduling/booking/book.js';
import { startSecuredServer, type SecuredServer } from '../../auth/support/secured-server.js';
import type { TestDatabase } from '../../support/database.js';
import type { TestResponse } from '../../support/server.js';
import {
  configure,
  schedulingFixture,
  TestClock,
  weekdayClinician,
  type SchedulingFixture,
} from '../../scheduling/support.js';

export const SCOPE = 'openid fhirUser user/*.cruds';
const DAY = 86_400_000;

/** Tomorrow at `hh:mm` UTC: the clock the visit tests run on (every day is a working day below). */
export function tomorrowAt(hh: number, mm = 0): number {
  const d = new Date(Date.now() + DAY);
  d.setUTCHours(hh, mm, 0, 0);
  return d.getTime();
}

export const videoVisit: VisitType = {
  id: 'pc-video-20',
  serviceLine: 'primary-care',
  name: 'Primary care video visit',
  durationMin: 20,
  modalities: ['video', 'audio'],
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  minNoticeMin: 0,
  bookingWindowDays: 30,
  slotStepMin: 10,
  patientKind: 'any',
  bookableBy: ['patient', 'caregiver', 'front-desk', 'clinician'],
  groupCapacity: 1,
};

/** A device test that passes (what a browser with a camera, a microphone and a good network reports). */
export function goodDeviceCheck(at: number) {
  return {
    camera: 'ok',
    microphone: 'ok',
    speaker: 'ok',
    downloadKbps: 20_000,
    uploadKbps: 10_000,
    rttMs: 20,
    checkedAt: new Date(at).toISOString(),
  };
}

export const intakeAnswers = {
  reason: 'Follow-up on blood pressure',
  'symptom-onset': 'no-new-symptoms',
  'pain-score': 2,
  'medications-changed': false,
  location: 'Massachusetts',
  'callback-phone': true,
};

export interface VisitWorld {
  s: SecuredServer;
  f: SchedulingFixture;
  clock: TestClock;
  ids: { drA: string; drB: string; ana: string; ben: string; cal: string };
  birthDates: Record<'ana' | 'ben' | 'cal', string>;
  tokens: Record<string, string>;
  /** A JSON request to `/api/visits…` as `user`. */
  api(user: string, method: string, path: string, body?: unknown): Promise<TestResponse>;
  /** Books `patient` with Dr A (or `practitioner`) at `start`; returns the Appointment id. */
  book(patient: string, start: number, practitioner?: string): Promise<string>;
  /** Opens and checks in the patient's visit of `appointmentId`; returns the visit id. */
  checkIn(user: string, appointmentId: string, birthDate: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A secured server whose visits run on a clock the test moves; two clinicians of primary care
 * (Dr A, Dr B) working every day all day in UTC, three patients with accounts, and their tokens.
 * `extra` lets a test add visit options (a NATS bus, ICE servers, an SFU) or share a database.
 */
export async function visitWorld(
  extra: { visits?: AppDeps['visits']; tdb?: TestDatabase; keyring?: { id: string; key: Buffer }[] } = {},
): Promise<VisitWorld> {
  const clock = new TestClock(tomorrowAt(9, 0));
  const s = await startSecuredServer({}, { ...extra, visits: { now: clock.now, ...extra.visits } });
  const f = await schedulingFixture(s.tdb, clock.ms);
  f.services.now = clock.now;
  const tenantId = s.tdb.tenantA;
  const birthDates = { ana: '1980-04-12', ben: '1975-09-30', cal: '1990-01-05' };
  const ids = { drA: '', drB: '', ana: '', ben: '', cal: '' };
  await s.tdb.db.transaction(tenantId, async (q) => {
    const scope = { tenantId, access: OPEN_ACCESS, q };
    const create = async (resource: { resourceType: string } & Record<string, unknown>) =>
      (await createResource(f.fhir.deps, scope, resource.resourceType, resource)).stored.id;
    ids.drA = await create({ resourceType: 'Practitioner', name: [{ text: 'Dr. Ada Alvarez' }] });
    ids.drB = await create({ resourceType: 'Practitioner', name: [{ text: 'Dr. Bo Brown' }] });
    ids.ana = await create({
      resourceType: 'Patient',
      name: [{ given: ['Ana'], family: 'Adams' }],
      birthDate: birthDates.ana,
    });
    ids.ben = await create({
      resourceType: 'Patient',
      name: [{ given: ['Ben'], family: 'Baker' }],
      birthDate: birthDates.ben,
    });
    ids.cal = await create({
      resourceType: 'Patient',
      name: [{ given: ['Cal'], family: 'Cruz' }],
      birthDate: birthDates.cal,
    });
  });
  const allDay = {
    rules: [
      {
        rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU',
        start: '00:00',
        end: '24:00',
        validFrom: '2026-01-01',
      },
    ],
    timeZone: 'UTC',
  };
  await configure(
    f,
    tenantId,
    [videoVisit],
    [weekdayClinician(ids.drA, allDay), weekdayClinician(ids.drB, allDay)],
  );
  await s.createAccount('ana@test', ['patient'], `Patient/${ids.ana}`);
  await s.createAccount('ben@test', ['patient'], `Patient/${ids.ben}`);
  await s.createAccount('cal@test', ['patient'], `Patient/${ids.cal}`);
  await s.createAccount('dra@test', ['clinician'], `Practitioner/${ids.drA}`);
  await s.createAccount('drb@test', ['clinician'], `Practitioner/${ids.drB}`);
  const tokens: Record<string, string> = {};
  for (const u of ['ana@test', 'ben@test', 'cal@test', 'dra@test', 'drb@test'])
    tokens[u] = (await s.signIn(u, SCOPE)).access_token;
  const api = (user: string, method: string, path: string, body?: unknown) =>
    s.as(tokens[user] ?? '', method, `${s.base}/api/visits${path}`, body);
  return {
    s,
    f,
    clock,
    ids,
    birthDates,
    tokens,
    api,
    async book(patient, start, practitioner = ids.drA) {
      const booked = await bookVisit(f.services, tenantId, {
        visitTypeId: videoVisit.id,
        practitionerId: practitioner,
        start,
        patientId: patient,
        modality: 'video',
        booker: 'front-desk',
        bookedBy: 'test',
      });
      return booked.appointmentId;
    },
    async checkIn(user, appointmentId, birthDate) {
      const opened = await api(user, 'POST', `/appointments/${appointmentId}`, {});
      assert.equal(opened.status, 200, opened.text);
      const id = opened.body.id as string;
      const res = await api(user, 'POST', `/${id}/check-in`, {
        birthDate,
        answers: intakeAnswers,
        consent: true,
        deviceCheck: goodDeviceCheck(clock.ms),
      });
      assert.equal(res.status, 200, res.text);
      return id;
    },
    close: () => s.close(),
  };
}
