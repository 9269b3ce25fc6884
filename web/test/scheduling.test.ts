import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, outcomeDiagnostics } from '../src/api/api-error.js';
import { FhirClient } from '../src/api/fhir-client.js';
import {
  cliniciansOf,
  groupSessionsOf,
  isGroupSession,
  oneTimePerStart,
  partitionAppointments,
  patientMayChange,
  refusalOf,
  Scheduling,
  searchFiltersOf,
  seatsOf,
  SEATS_EXTENSION,
  staffMayChange,
  type Appointment,
} from '../src/api/scheduling.js';

interface Sent {
  url: string;
  method: string;
  auth: string | null;
  type: string | null;
  body: unknown;
}

function fakeFetch(answers: (Response | Error)[]) {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    sent.push({
      url: String(url),
      method: init?.method ?? 'GET',
      auth: headers.get('authorization'),
      type: headers.get('content-type'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const next = answers.shift();
    if (!next || next instanceof Error) throw next ?? new Error('no answer');
    return next;
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const json = (status: number, body: object) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/fhir+json' } });

function client(answers: (Response | Error)[], renew: () => Promise<string | null> = async () => null) {
  const f = fakeFetch(answers);
  const fhir = new FhirClient('https://h.example/fhir/R4', { token: async () => 't1', renew }, f.fetchImpl);
  return { sent: f.sent, scheduling: new Scheduling(fhir) };
}

const proposed = (start: string, practitioner: string, display?: string): Appointment => ({
  resourceType: 'Appointment',
  status: 'proposed',
  start,
  participant: [{ actor: { reference: `Practitioner/${practitioner}`, ...(display ? { display } : {}) } }],
});

describe('the scheduling client', () => {
  it('asks $find for a window with the patient’s state and language, and returns the proposed times', async () => {
    const c = client([
      json(200, {
        resourceType: 'Bundle',
        entry: [
          { resource: proposed('2026-11-25T14:00:00Z', 'dr', 'Dr. Demo') },
          { resource: { resourceType: 'OperationOutcome' } },
        ],
      }),
    ]);
    const found = await c.scheduling.find({
      visitType: 'primary-care-video-20',
      start: Date.parse('2026-11-25T05:00:00.000Z'),
      end: Date.parse('2026-12-02T05:00:00Z'),
      practitioner: 'dr',
      state: 'Massachusetts',
      language: 'es',
      count: 50,
    });
    assert.equal(found.length, 1);
    const url = new URL(c.sent[0]?.url ?? '');
    assert.equal(url.pathname, '/fhir/R4/Appointment/$find');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      'visit-type': 'primary-care-video-20',
      start: '2026-11-25T05:00:00Z',
      end: '2026-12-02T05:00:00Z',
      _count: '50',
      practitioner: 'dr',
      state: 'Massachusetts',
      language: 'es',
    });
    assert.equal(c.sent[0]?.auth, 'Bearer t1');
  });

  it('books with a Parameters body; "first available" names no practitioner', async () => {
    const booked = { resourceType: 'Appointment', id: 'a1', status: 'booked' };
    const c = client([json(201, booked), json(201, booked)]);
    assert.deepEqual(
      await c.scheduling.book({
        visitType: 'primary-care-video-20',
        start: '2026-11-25T14:00:00Z',
        practitioner: 'dr',
        patient: 'p1',
        modality: 'audio',
        state: 'MA',
      }),
      booked,
    );
    assert.equal(c.sent[0]?.method, 'POST');
    assert.equal(c.sent[0]?.url, 'https://h.example/fhir/R4/Appointment/$book');
    assert.equal(c.sent[0]?.type, 'application/fhir+json');
    assert.deepEqual(c.sent[0]?.body, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'visit-type', valueString: 'primary-care-video-20' },
        { name: 'start', valueDateTime: '2026-11-25T14:00:00Z' },
        { name: 'practitioner', valueString: 'Practitioner/dr' },
        { name: 'patient', valueString: 'Patient/p1' },
        { name: 'modality', valueString: 'audio' },
        { name: 'state', valueString: 'MA' },
      ],
    });
    await c.scheduling.book({ visitType: 'v', start: '2026-11-25T14:00:00Z' });
    assert.deepEqual(c.sent[1]?.body, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'visit-type', valueString: 'v' },
        { name: 'start', valueDateTime: '2026-11-25T14:00:00Z' },
      ],
    });
  });

  it('says a time was just taken, with the alternatives the server sent', async () => {
    const c = client([
      json(409, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'conflict', diagnostics: 'That time was just taken' }],
        contained: [
          { id: 'alt1', ...proposed('2026-11-25T14:20:00Z', 'dr', 'Dr. Demo') },
          { resourceType: 'Patient', id: 'x' },
        ],
      }),
    ]);
    const err = await c.scheduling
      .book({ visitType: 'v', start: '2026-11-25T14:00:00Z' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.kind, 'invalid');
    assert.equal(err.status, 409);
    const refusal = refusalOf(err);
    assert.equal(refusal.kind, 'taken');
    assert.deepEqual(refusal.kind === 'taken' ? refusal.alternatives.map((a) => a.start) : [], [
      '2026-11-25T14:20:00Z',
    ]);
  });

  it('tells "too late to change online" from other refusals', async () => {
    const outcome = (status: number, diagnostics: string) =>
      json(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', diagnostics }] });
    const kinds: string[] = [];
    for (const answer of [
      outcome(422, 'It is too late to change this appointment online; please call the clinic'),
      outcome(422, 'That time is not offered for this visit type'),
      outcome(403, 'This visit type cannot be booked this way'),
      new Response('not json', { status: 500 }),
      new TypeError('offline'),
    ]) {
      const c = client([answer]);
      kinds.push(refusalOf(await c.scheduling.cancel('a1', { reason: ' ' }).catch((e: unknown) => e)).kind);
      if (!(answer instanceof Error))
        assert.deepEqual(c.sent[0]?.body, { resourceType: 'Parameters', parameter: [] });
    }
    assert.deepEqual(kinds, ['too-late', 'not-offered', 'not-allowed', 'other', 'other']);
    assert.equal(refusalOf(new Error('x')).kind, 'other');
  });

  it('reads and writes the JSON configuration outside the FHIR base, renewing a refused token once', async () => {
    const availability = { practitionerId: 'dr', timeZone: 'America/New_York', rules: [] };
    let renewed = 0;
    const c = client([json(401, {}), json(200, availability), json(200, availability)], async () => {
      renewed++;
      return 't2';
    });
    assert.deepEqual(await c.scheduling.availability('dr'), availability);
    assert.equal(renewed, 1);
    assert.deepEqual(
      c.sent.map((s) => [s.url, s.auth]),
      [
        ['https://h.example/api/scheduling/clinicians/dr/availability', 'Bearer t1'],
        ['https://h.example/api/scheduling/clinicians/dr/availability', 'Bearer t2'],
      ],
    );
    await c.scheduling.saveAvailability(availability as never);
    assert.equal(c.sent[2]?.method, 'PUT');
    assert.equal(c.sent[2]?.type, 'application/json');
    assert.deepEqual(c.sent[2]?.body, availability);
  });

  it('maps the JSON API’s failures to the same kinds, and ends the session when renewal fails', async () => {
    const c = client([json(403, { issue: [{ diagnostics: 'Not allowed for this account' }] })]);
    const err = await c.scheduling.availability('dr').catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.kind, 'forbidden');
    assert.equal(err.outcome?.issue?.[0]?.diagnostics, 'Not allowed for this account');
    const expired = client([json(401, {})]);
    const gone = await expired.scheduling.visitTypes().catch((e: unknown) => e);
    assert.ok(gone instanceof ApiError);
    assert.equal(gone.kind, 'session-expired');
  });

  it('plans a group session for a clinician at a start; the capacity is the visit type’s', async () => {
    const session = { resourceType: 'Appointment', id: 's1', status: 'booked' };
    const c = client([json(201, session)]);
    assert.deepEqual(
      await c.scheduling.createGroupSession({
        visitType: 'diabetes-education-group',
        practitioner: 'nurse',
        start: '2026-11-25T15:00:00Z',
      }),
      session,
    );
    assert.equal(c.sent[0]?.method, 'POST');
    assert.equal(c.sent[0]?.url, 'https://h.example/fhir/R4/Appointment/$group-session');
    assert.deepEqual(c.sent[0]?.body, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'visit-type', valueString: 'diabetes-education-group' },
        { name: 'practitioner', valueString: 'Practitioner/nurse' },
        { name: 'start', valueDateTime: '2026-11-25T15:00:00Z' },
      ],
    });
  });

  it('keeps what the server said of a refusal, once each, for staff to read', async () => {
    const c = client([
      json(422, {
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', diagnostics: ' That time is not offered for this visit type ' },
          { severity: 'error' },
          { severity: 'warning', diagnostics: 'That time is not offered for this visit type' },
          { severity: 'error', diagnostics: 'The clinician is at the day’s cap' },
        ],
      }),
      new Response('not json', { status: 500 }),
    ]);
    const refused = await c.scheduling
      .reschedule('a1', { start: '2026-11-25T15:00:00Z' })
      .catch((e: unknown) => e);
    assert.deepEqual(outcomeDiagnostics(refused), [
      'That time is not offered for this visit type',
      'The clinician is at the day’s cap',
    ]);
    const broken = await c.scheduling.cancel('a1').catch((e: unknown) => e);
    assert.ok(broken instanceof ApiError);
    assert.deepEqual(outcomeDiagnostics(broken), []);
    assert.deepEqual(outcomeDiagnostics(new Error('offline')), []);
    assert.deepEqual(outcomeDiagnostics(undefined), []);
  });

  it('declines an offer (204, no body) and reads offers for a patient', async () => {
    const c = client([
      new Response(null, { status: 204 }),
      json(200, {
        resourceType: 'Bundle',
        entry: [{ resource: { ...proposed('2026-11-25T14:00:00Z', 'dr'), id: 'o1' } }],
      }),
    ]);
    assert.equal(await c.scheduling.declineOffer('o1', 'p1'), undefined);
    assert.deepEqual(c.sent[0]?.body, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'offer', valueString: 'o1' },
        { name: 'patient', valueString: 'Patient/p1' },
      ],
    });
    const offers = await c.scheduling.offers('p1');
    assert.equal(offers[0]?.id, 'o1');
    assert.equal(c.sent[1]?.url, 'https://h.example/fhir/R4/Appointment/$offers?patient=p1');
  });
});

describe('reading appointments', () => {
  const at = (id: string, status: string, start?: string, end?: string): Appointment => ({
    resourceType: 'Appointment',
    id,
    status,
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
  });

  it('splits a patient’s appointments into upcoming, waitlist and past', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    const parts = partitionAppointments(
      [
        at('later', 'booked', '2026-11-27T14:00:00Z', '2026-11-27T14:20:00Z'),
        at('soon', 'booked', '2026-11-26T14:00:00Z', '2026-11-26T14:20:00Z'),
        at('now', 'checked-in', '2026-11-25T11:50:00Z', '2026-11-25T12:10:00Z'),
        at('done', 'booked', '2026-11-24T14:00:00Z', '2026-11-24T14:20:00Z'),
        at('off', 'cancelled', '2026-11-28T14:00:00Z', '2026-11-28T14:20:00Z'),
        at('missed', 'noshow', '2026-11-20T14:00:00Z', '2026-11-20T14:20:00Z'),
        at('wait', 'waitlist'),
        at('soon', 'booked', '2026-11-26T14:00:00Z', '2026-11-26T14:20:00Z'),
      ],
      now,
    );
    assert.deepEqual(
      parts.upcoming.map((a) => a.id),
      ['now', 'soon', 'later'],
    );
    assert.deepEqual(
      parts.waitlist.map((a) => a.id),
      ['wait'],
    );
    assert.deepEqual(
      parts.past.map((a) => a.id),
      ['off', 'done', 'missed'],
    );
  });

  it('lets a patient change a visit online only up to the notice before it', () => {
    const a = at('a', 'booked', '2026-11-25T14:00:00Z');
    assert.equal(patientMayChange(a, Date.parse('2026-11-25T11:59:00Z'), 120), true);
    assert.equal(patientMayChange(a, Date.parse('2026-11-25T12:01:00Z'), 120), false);
    assert.equal(patientMayChange(at('w', 'waitlist'), 0, 120), false);
  });

  it('shows each time once for "first available", and lists the clinicians of the times', () => {
    const slots = [
      proposed('2026-11-25T14:00:00Z', 'nurse', 'Nurse Demo'),
      proposed('2026-11-25T14:00:00Z', 'dr', 'Dr. Demo'),
      proposed('2026-11-25T14:20:00Z', 'dr', 'Dr. Demo'),
    ];
    assert.deepEqual(
      oneTimePerStart(slots).map((s) => s.start),
      ['2026-11-25T14:00:00Z', '2026-11-25T14:20:00Z'],
    );
    assert.deepEqual(cliniciansOf(slots), [
      { id: 'dr', name: 'Dr. Demo' },
      { id: 'nurse', name: 'Nurse Demo' },
    ]);
  });

  it('reads a group session’s places', () => {
    const session = { ...at('s', 'booked'), comment: 'Group session: 3 of 8 seats taken' };
    assert.deepEqual(seatsOf(session), { taken: 3, capacity: 8 });
    assert.deepEqual(seatsOf(at('s', 'booked'), 8), { taken: 0, capacity: 8 });
    assert.equal(seatsOf(at('s', 'booked')), null);
    // The structured extension wins over the text.
    const structured = {
      ...session,
      extension: [
        {
          url: SEATS_EXTENSION,
          extension: [
            { url: 'capacity', valueUnsignedInt: 8 },
            { url: 'taken', valueUnsignedInt: 5 },
          ],
        },
      ],
    };
    assert.deepEqual(seatsOf(structured), { taken: 5, capacity: 8 });
  });

  it('lets staff move or cancel a patient’s booked visit until it ends, whatever the notice', () => {
    const visit = (status: string, start: string, end: string, patient = true): Appointment => ({
      ...at('v', status, start, end),
      participant: [
        { actor: { reference: 'Practitioner/dr' } },
        ...(patient ? [{ actor: { reference: 'Patient/p1' } }] : []),
      ],
    });
    const now = Date.parse('2026-11-25T14:10:00Z');
    // Ten minutes before it starts (inside any patient notice), and while it runs.
    assert.equal(staffMayChange(visit('booked', '2026-11-25T14:20:00Z', '2026-11-25T14:40:00Z'), now), true);
    assert.equal(staffMayChange(visit('booked', '2026-11-25T14:00:00Z', '2026-11-25T14:20:00Z'), now), true);
    // Over, no longer booked, a group session's own time (no patient), or not yet saved.
    assert.equal(staffMayChange(visit('booked', '2026-11-25T13:00:00Z', '2026-11-25T13:20:00Z'), now), false);
    assert.equal(
      staffMayChange(visit('cancelled', '2026-11-26T14:00:00Z', '2026-11-26T14:20:00Z'), now),
      false,
    );
    assert.equal(
      staffMayChange(visit('checked-in', '2026-11-25T14:00:00Z', '2026-11-25T14:20:00Z'), now),
      false,
    );
    assert.equal(
      staffMayChange(visit('booked', '2026-11-26T14:00:00Z', '2026-11-26T14:20:00Z', false), now),
      false,
    );
    const unsaved = visit('booked', '2026-11-26T14:00:00Z', '2026-11-26T14:20:00Z');
    delete unsaved.id;
    assert.equal(staffMayChange(unsaved, now), false);
    // No end: the start counts.
    assert.equal(
      staffMayChange({ ...visit('booked', '2026-11-26T14:00:00Z', ''), end: undefined }, now),
      true,
    );
  });

  it('finds a clinician’s group sessions with their places, not the seats nor cancelled ones', () => {
    const seats = (taken: number, capacity: number) => ({
      url: SEATS_EXTENSION,
      extension: [
        { url: 'capacity', valueUnsignedInt: capacity },
        { url: 'taken', valueUnsignedInt: taken },
      ],
    });
    const groupType = { coding: [{ code: 'diabetes-education-group' }] };
    const clinician = { actor: { reference: 'Practitioner/nurse' } };
    const session = (id: string, start: string, status = 'booked', taken?: number): Appointment => ({
      ...at(id, status, start),
      appointmentType: groupType,
      participant: [clinician],
      ...(taken !== undefined ? { extension: [seats(taken, 8)] } : {}),
    });
    const list: Appointment[] = [
      session('late', '2026-11-27T15:00:00Z', 'booked', 8),
      session('early', '2026-11-25T15:00:00Z', 'booked', 3),
      session('off', '2026-11-26T15:00:00Z', 'cancelled', 0),
      // A patient's seat: the same type and time as its session, with the patient.
      {
        ...at('seat', 'booked', '2026-11-25T15:00:00Z'),
        appointmentType: groupType,
        participant: [clinician, { actor: { reference: 'Patient/p1' } }],
      },
      // A one-to-one visit of the clinician's day.
      { ...at('visit', 'booked', '2026-11-25T13:00:00Z'), participant: [clinician] },
      // A session written before the seats extension: its visit type's capacity, none taken.
      session('older', '2026-11-26T13:00:00Z'),
      session('early', '2026-11-25T15:00:00Z', 'booked', 3),
    ];
    assert.equal(isGroupSession(list[1]!), true);
    assert.equal(isGroupSession(list[3]!), false);
    const capacityOf = (id: string | undefined) => (id === 'diabetes-education-group' ? 8 : undefined);
    assert.deepEqual(
      groupSessionsOf(list, capacityOf).map((s) => [s.session.id, s.taken, s.capacity]),
      [
        ['early', 3, 8],
        ['older', 0, 8],
        ['late', 8, 8],
      ],
    );
    // Without the visit types, only sessions that say their seats.
    assert.deepEqual(
      groupSessionsOf(list).map((s) => s.session.id),
      ['early', 'late'],
    );
  });

  it('narrows the search by the patient’s state and preferred language, never by English', () => {
    const lang = (code: string, preferred?: boolean) => ({
      language: { coding: [{ system: 'urn:ietf:bcp:47', code }] },
      ...(preferred !== undefined ? { preferred } : {}),
    });
    assert.deepEqual(
      searchFiltersOf({
        address: [{ state: 'Massachusetts' }],
        communication: [lang('zh'), lang('es-MX', true)],
      }),
      { state: 'Massachusetts', language: 'es' },
    );
    assert.deepEqual(
      searchFiltersOf({ address: [{}], communication: [lang('zh')] }),
      {},
      'listed, not preferred',
    );
    assert.deepEqual(searchFiltersOf({ communication: [lang('en-US', true)] }), {});
  });
});
