import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OPEN_ACCESS } from '../../src/fhir/interactions/access.js';
import { createResource } from '../../src/fhir/interactions/write.js';
import { startSecuredServer, type SecuredServer } from '../auth/support/secured-server.js';
import { schedulingFixture, primaryCare30, type SchedulingFixture } from './support.js';

const SCOPE = 'openid fhirUser user/*.cruds';
const DAY = 86_400_000;
/** Tomorrow at 10:00 UTC: inside every window below, whatever the day the test runs. */
const tomorrowAt = (hh: number, mm = 0) => {
  const d = new Date(Date.now() + DAY);
  d.setUTCHours(hh, mm, 0, 0);
  return d.getTime();
};
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Every day, all day, in UTC: the tests do not depend on the weekday they run on. */
const allWeek = {
  timeZone: 'UTC',
  rules: [
    {
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU',
      start: '08:00',
      end: '18:00',
      validFrom: '2026-01-01',
    },
  ],
  licensedStates: ['MA'],
  languages: ['en', 'es'],
  serviceLines: ['primary-care'],
};

const params = (p: Record<string, string>) => ({
  resourceType: 'Parameters',
  parameter: Object.entries(p).map(([name, value]) => ({
    name,
    ...(name === 'start' || name === 'end' ? { valueDateTime: value } : { valueString: value }),
  })),
});

describe('scheduling over HTTP: FHIR operations and the configuration API', { timeout: 180_000 }, () => {
  let s: SecuredServer;
  let f: SchedulingFixture;
  let drA: string;
  let drB: string;
  let ana: string;
  let ben: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    s = await startSecuredServer();
    f = await schedulingFixture(s.tdb, Date.now());
    const tenantId = s.tdb.tenantA;
    await s.tdb.db.transaction(tenantId, async (q) => {
      const scope = { tenantId, access: OPEN_ACCESS, q };
      const create = async (resource: { resourceType: string } & Record<string, unknown>) =>
        (await createResource(f.fhir.deps, scope, resource.resourceType, resource)).stored.id;
      drA = await create({ resourceType: 'Practitioner', name: [{ text: 'Dr. Ada Alvarez' }] });
      drB = await create({ resourceType: 'Practitioner', name: [{ text: 'Dr. Bo Brown' }] });
      ana = await create({ resourceType: 'Patient', name: [{ given: ['Ana'], family: 'Adams' }] });
      ben = await create({ resourceType: 'Patient', name: [{ given: ['Ben'], family: 'Baker' }] });
    });
    await s.createAccount('admin@test', ['tenant-admin']);
    await s.createAccount('desk@test', ['front-desk']);
    await s.createAccount('ana@test', ['patient'], `Patient/${ana}`);
    await s.createAccount('ben@test', ['patient'], `Patient/${ben}`);
    await s.createAccount('dra@test', ['clinician'], `Practitioner/${drA}`);
    for (const u of ['admin@test', 'desk@test', 'ana@test', 'ben@test', 'dra@test'])
      tokens[u] = (await s.signIn(u, SCOPE)).access_token;
  });
  after(async () => s?.close());

  const api = (user: string, method: string, path: string, body?: unknown) =>
    s.as(tokens[user] ?? '', method, `${s.base}/api/scheduling${path}`, body);

  it('configures visit types and availability, each by whom it belongs to', async () => {
    const vt = { ...primaryCare30, id: undefined };
    assert.equal((await api('desk@test', 'PUT', `/visit-types/${primaryCare30.id}`, vt)).status, 403);
    const saved = await api('admin@test', 'PUT', `/visit-types/${primaryCare30.id}`, vt);
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.id, primaryCare30.id);
    const service = await s.as(
      tokens['ana@test'] ?? '',
      'GET',
      '/HealthcareService/service-line-primary-care',
    );
    assert.equal(service.status, 200, service.text);
    assert.equal(service.body.type[0].coding[0].code, primaryCare30.id);
    const bad = await api('admin@test', 'PUT', '/visit-types/pc-bad', { ...vt, durationMin: 2 });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.resourceType, 'OperationOutcome');

    assert.equal((await api('ana@test', 'PUT', `/clinicians/${drA}/availability`, allWeek)).status, 403);
    // A clinician manages their own hours, not a colleague's; the front desk manages everyone's.
    assert.equal((await api('dra@test', 'PUT', `/clinicians/${drB}/availability`, allWeek)).status, 403);
    assert.equal((await api('dra@test', 'PUT', `/clinicians/${drA}/availability`, allWeek)).status, 200);
    assert.equal((await api('desk@test', 'PUT', `/clinicians/${drB}/availability`, allWeek)).status, 200);
    const unknownRule = await api('desk@test', 'PUT', `/clinicians/${drB}/availability`, {
      ...allWeek,
      rules: [{ ...allWeek.rules[0], rrule: 'FREQ=WEEKLY;BYHOUR=9' }],
    });
    assert.equal(unknownRule.status, 422, 'an RRULE the engine cannot follow is refused at the door');
    const visitTypes = await api('ana@test', 'GET', '/visit-types');
    assert.equal(visitTypes.status, 200);
    assert.deepEqual(
      visitTypes.body.map((v: { id: string }) => v.id),
      [primaryCare30.id],
    );
  });

  it('finds free times as proposed Appointments, with the clinicians named', async () => {
    const res = await s.as(
      tokens['ana@test'] ?? '',
      'GET',
      `/Appointment/$find?visit-type=${primaryCare30.id}&start=${encodeURIComponent(iso(tomorrowAt(9)))}&end=${encodeURIComponent(iso(tomorrowAt(11)))}`,
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.resourceType, 'Bundle');
    const times = res.body.entry.map(
      (e: { resource: { start: string; participant: { actor: { display: string } }[] } }) => [
        e.resource.start,
        e.resource.participant[0]?.actor.display,
      ],
    );
    assert.deepEqual(times, [
      [iso(tomorrowAt(9)), 'Dr. Ada Alvarez'],
      [iso(tomorrowAt(9)), 'Dr. Bo Brown'],
      [iso(tomorrowAt(9, 30)), 'Dr. Ada Alvarez'],
      [iso(tomorrowAt(9, 30)), 'Dr. Bo Brown'],
      [iso(tomorrowAt(10)), 'Dr. Ada Alvarez'],
      [iso(tomorrowAt(10)), 'Dr. Bo Brown'],
      [iso(tomorrowAt(10, 30)), 'Dr. Ada Alvarez'],
      [iso(tomorrowAt(10, 30)), 'Dr. Bo Brown'],
      [iso(tomorrowAt(11)), 'Dr. Ada Alvarez'],
      [iso(tomorrowAt(11)), 'Dr. Bo Brown'],
    ]);
    const missing = await s.as(tokens['ana@test'] ?? '', 'GET', '/Appointment/$find');
    assert.equal(missing.status, 400);
  });

  it('books for the patient, answers the loser 409 with alternatives, and audits the booking', async () => {
    const book = (user: string, extra: Record<string, string> = {}) =>
      s.as(
        tokens[user] ?? '',
        'POST',
        '/Appointment/$book',
        params({
          'visit-type': primaryCare30.id,
          start: iso(tomorrowAt(10)),
          practitioner: `Practitioner/${drA}`,
          ...extra,
        }),
      );
    const won = await book('ana@test');
    assert.equal(won.status, 201, won.text);
    assert.equal(won.body.resourceType, 'Appointment');
    assert.equal(won.body.status, 'booked');
    assert.ok(String(won.headers.get('location')).includes(`/Appointment/${won.body.id}`));
    const lost = await book('ben@test');
    assert.equal(lost.status, 409);
    assert.equal(lost.body.resourceType, 'OperationOutcome');
    assert.equal(lost.body.issue[0].code, 'conflict');
    assert.ok(lost.body.contained.length > 0);
    assert.equal(lost.body.contained[0].participant[0].actor.reference, `Practitioner/${drA}`);
    assert.notEqual(lost.body.contained[0].start, iso(tomorrowAt(10)));

    // A token granted only reading cannot book, whoever holds it.
    const readOnly = (await s.signIn('ana@test', 'openid fhirUser user/*.rs')).access_token;
    const refused = await s.as(
      readOnly,
      'POST',
      '/Appointment/$book',
      params({ 'visit-type': primaryCare30.id, start: iso(tomorrowAt(12)) }),
    );
    assert.equal(refused.status, 403);
    // A patient books only for themselves: another patient does not exist for them.
    assert.equal(
      (await book('ana@test', { patient: `Patient/${ben}`, start: iso(tomorrowAt(12)) })).status,
      404,
    );
    // And never by writing an Appointment directly: that would hold no time.
    const direct = await s.as(tokens['ana@test'] ?? '', 'POST', '/Appointment', {
      resourceType: 'Appointment',
      status: 'booked',
      participant: [{ actor: { reference: `Patient/${ana}` }, status: 'accepted' }],
    });
    assert.equal(direct.status, 403);

    // The patient sees it in their record; Ben does not.
    const mine = await s.as(tokens['ana@test'] ?? '', 'GET', `/Appointment?patient=${ana}`);
    assert.ok(mine.body.entry.some((e: { resource: { id: string } }) => e.resource.id === won.body.id));
    const his = await s.as(tokens['ben@test'] ?? '', 'GET', `/Appointment/${won.body.id}`);
    assert.equal(his.status, 404);

    const audit = await s.tdb.db.query<{ n: string }>(
      s.tdb.tenantA,
      `SELECT count(*) AS n FROM audit_log WHERE tenant_id = $1 AND event LIKE $2`,
      [s.tdb.tenantA, `%Appointment/${won.body.id}%`],
    );
    assert.ok(Number(audit.rows[0]?.n) >= 1, 'the booking is in the audit log');
  });

  it('cancels and reschedules through the operations; time off stops the search offering its times', async () => {
    const booked = await s.as(
      tokens['desk@test'] ?? '',
      'POST',
      '/Appointment/$book',
      params({
        'visit-type': primaryCare30.id,
        start: iso(tomorrowAt(14)),
        practitioner: `Practitioner/${drB}`,
        patient: `Patient/${ben}`,
      }),
    );
    assert.equal(booked.status, 201, booked.text);
    const moved = await s.as(
      tokens['ben@test'] ?? '',
      'POST',
      `/Appointment/${booked.body.id}/$reschedule`,
      params({ start: iso(tomorrowAt(15)) }),
    );
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.id, booked.body.id);
    assert.equal(moved.body.start, iso(tomorrowAt(15)));
    const cancelled = await s.as(
      tokens['ben@test'] ?? '',
      'POST',
      `/Appointment/${booked.body.id}/$cancel`,
      params({ reason: 'Feeling better' }),
    );
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(cancelled.body.cancelationReason.text, 'Feeling better');

    // Dr. Bo takes tomorrow afternoon off: those times are no longer offered, the morning still is.
    const off = await api('desk@test', 'PUT', `/clinicians/${drB}/availability`, {
      ...allWeek,
      timeOff: [{ start: iso(tomorrowAt(13)), end: iso(tomorrowAt(18)), reason: 'Training' }],
    });
    assert.equal(off.status, 200, off.text);
    assert.equal(
      off.body.timeOff[0].start,
      new Date(tomorrowAt(13)).toISOString(),
      'time off comes back as an instant',
    );
    // Other systems read it as FHIR: the clinician's PractitionerRole carries the hours and the
    // time off, their Schedule names them, the service line is a HealthcareService.
    const roles = await s.as(tokens['desk@test'] ?? '', 'GET', `/PractitionerRole?practitioner=${drB}`);
    assert.equal(roles.status, 200, roles.text);
    const role = roles.body.entry[0].resource;
    assert.deepEqual(role.availableTime[0].daysOfWeek, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    assert.equal(role.availableTime[0].availableStartTime, '08:00:00');
    assert.equal(role.notAvailable[0].description, 'Training');
    assert.equal(role.notAvailable[0].during.start, new Date(tomorrowAt(13)).toISOString());
    assert.equal(role.healthcareService[0].reference, 'HealthcareService/service-line-primary-care');
    const schedules = await s.as(tokens['desk@test'] ?? '', 'GET', `/Schedule?actor=Practitioner/${drB}`);
    assert.equal(schedules.body.entry?.length, 1, schedules.text);
    const clinicians = await api('desk@test', 'GET', '/clinicians');
    assert.deepEqual(
      clinicians.body.map((x: { practitionerId: string }) => x.practitionerId).sort(),
      [drA, drB].sort(),
    );
    assert.equal((await api('ana@test', 'GET', '/clinicians')).status, 403);
    const found = await s.as(
      tokens['ana@test'] ?? '',
      'GET',
      `/Appointment/$find?visit-type=${primaryCare30.id}&practitioner=${drB}&start=${encodeURIComponent(iso(tomorrowAt(12)))}&end=${encodeURIComponent(iso(tomorrowAt(17)))}`,
    );
    const starts = found.body.entry.map((e: { resource: { start: string } }) => e.resource.start);
    assert.deepEqual(starts, [iso(tomorrowAt(12)), iso(tomorrowAt(12, 30))]);
  });

  it('never writes a patient name into the logs', () => {
    const logs = s.logs.join('');
    for (const name of ['Adams', 'Baker']) assert.ok(!logs.includes(name), name);
  });
});
