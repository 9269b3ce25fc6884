import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/fhir/validation/index.js';
import {
  encounterResource,
  MODALITY_HISTORY_EXTENSION,
  plannedVisit,
  REASON_CANCELLED_EXTENSION,
  visitTransition,
  type VisitEvent,
  type VisitState,
} from '../../src/modules/visits/encounter/index.js';

const T0 = Date.UTC(2025, 2, 3, 14, 0, 0);
const MIN = 60_000;

function run(steps: [VisitEvent, number][], serviceLine: string | null = 'derm'): VisitState {
  const start = plannedVisit(
    {
      visitId: 'v1',
      appointmentId: 'a1',
      patientId: 'p1',
      practitionerId: 'dr1',
      ...(serviceLine ? { serviceLine } : {}),
    },
    T0,
  );
  return steps.reduce((s, [e, m]) => visitTransition(s, e, T0 + m * MIN), start);
}

function assertValid(resource: unknown): void {
  const issues = validateResource(resource, { resourceType: 'Encounter' });
  assert.deepEqual(issues, [], JSON.stringify(issues));
}

/** No empty arrays, objects or strings anywhere (FHIR forbids them). */
function assertNoEmpties(value: unknown, path = 'Encounter'): void {
  if (Array.isArray(value)) {
    assert.ok(value.length > 0, `${path} is an empty array`);
    value.forEach((v, i) => assertNoEmpties(v, `${path}[${i}]`));
  } else if (value && typeof value === 'object') {
    assert.ok(Object.keys(value).length > 0, `${path} is an empty object`);
    for (const [k, v] of Object.entries(value)) assertNoEmpties(v, `${path}.${k}`);
  } else {
    assert.notEqual(value, undefined, `${path} is undefined`);
    assert.notEqual(value, '', `${path} is empty`);
  }
}

const FINISHED: [VisitEvent, number][] = [
  [{ type: 'check-in' }, -10],
  [{ type: 'join', role: 'caregiver', reference: 'RelatedPerson/mum' }, -9],
  [{ type: 'admit', modality: 'video' }, 5],
  [{ type: 'join', role: 'interpreter', reference: 'Practitioner/int1' }, 6],
  [{ type: 'modality-change', modality: 'audio' }, 12],
  [{ type: 'end' }, 27],
];

describe('encounterResource', () => {
  it('a finished visit: class VR, status history, period, length, participants, modality history', () => {
    const r = encounterResource(run(FINISHED.map(([e, m]) => [e, m + 10])));
    assertValid(r);
    assertNoEmpties(r);
    assert.deepEqual(r, {
      resourceType: 'Encounter',
      extension: [
        {
          url: MODALITY_HISTORY_EXTENSION,
          extension: [
            { url: 'modality', valueCode: 'video' },
            { url: 'period', valuePeriod: { start: '2025-03-03T14:15:00Z', end: '2025-03-03T14:22:00Z' } },
          ],
        },
        {
          url: MODALITY_HISTORY_EXTENSION,
          extension: [
            { url: 'modality', valueCode: 'audio' },
            { url: 'period', valuePeriod: { start: '2025-03-03T14:22:00Z', end: '2025-03-03T14:37:00Z' } },
          ],
        },
      ],
      identifier: [{ system: 'urn:openvisit:visit', value: 'v1' }],
      status: 'finished',
      statusHistory: [
        { status: 'planned', period: { start: '2025-03-03T14:00:00Z', end: '2025-03-03T14:00:00Z' } },
        { status: 'arrived', period: { start: '2025-03-03T14:00:00Z', end: '2025-03-03T14:15:00Z' } },
        { status: 'in-progress', period: { start: '2025-03-03T14:15:00Z', end: '2025-03-03T14:37:00Z' } },
        { status: 'finished', period: { start: '2025-03-03T14:37:00Z' } },
      ],
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' },
      serviceType: { coding: [{ system: 'urn:openvisit:service-line', code: 'derm' }] },
      subject: { reference: 'Patient/p1' },
      participant: [
        {
          type: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                  code: 'PPRF',
                  display: 'primary performer',
                },
              ],
            },
          ],
          period: { start: '2025-03-03T14:15:00Z', end: '2025-03-03T14:37:00Z' },
          individual: { reference: 'Practitioner/dr1' },
        },
        {
          type: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                  code: 'PART',
                  display: 'Participation',
                },
              ],
            },
          ],
          period: { start: '2025-03-03T14:01:00Z', end: '2025-03-03T14:37:00Z' },
          individual: { reference: 'RelatedPerson/mum' },
        },
        {
          type: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/participant-type',
                  code: 'translator',
                  display: 'Translator',
                },
              ],
            },
          ],
          period: { start: '2025-03-03T14:16:00Z', end: '2025-03-03T14:37:00Z' },
          individual: { reference: 'Practitioner/int1' },
        },
      ],
      appointment: [{ reference: 'Appointment/a1' }],
      period: { start: '2025-03-03T14:15:00Z', end: '2025-03-03T14:37:00Z' },
      length: { value: 22, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
    });
  });

  it('length is in-progress time only, in minutes with at most two decimals', () => {
    const r = encounterResource(
      run([
        [{ type: 'check-in' }, 0],
        [{ type: 'admit', modality: 'phone' }, 30],
        [{ type: 'end' }, 30 + 7.5],
      ]),
    );
    assert.deepEqual(r.length, { value: 7.5, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' });
    const odd = plannedVisit({ visitId: 'v', appointmentId: 'a', patientId: 'p', practitionerId: 'd' }, T0);
    const s = [
      [{ type: 'check-in' }, 0],
      [{ type: 'admit', modality: 'video' }, 1000],
      [{ type: 'end' }, 1000 + 100_001],
    ].reduce((v, [e, ms]) => visitTransition(v, e as VisitEvent, T0 + (ms as number)), odd);
    assert.equal((encounterResource(s).length as { value: number }).value, 1.67);
    assertValid(encounterResource(s));
  });

  it('every stage of the lifecycle gives a valid Encounter with no empty elements', () => {
    for (let n = 0; n <= FINISHED.length; n++)
      for (const serviceLine of ['derm', null]) {
        const r = encounterResource(
          run(
            FINISHED.slice(0, n).map(([e, m]) => [e, m + 10]),
            serviceLine,
          ),
        );
        assertValid(r);
        assertNoEmpties(r);
        assert.equal('length' in r, n === FINISHED.length, 'length only once finished');
        assert.equal('period' in r, n >= 3, 'period from admission');
        assert.equal('serviceType' in r, serviceLine !== null);
      }
  });

  it('in progress: period has a start only, no length, open modality period', () => {
    const r = encounterResource(run(FINISHED.slice(0, 3).map(([e, m]) => [e, m + 10])));
    assert.equal(r.status, 'in-progress');
    assert.deepEqual(r.period, { start: '2025-03-03T14:15:00Z' });
    assert.deepEqual(r.extension, [
      {
        url: MODALITY_HISTORY_EXTENSION,
        extension: [
          { url: 'modality', valueCode: 'video' },
          { url: 'period', valuePeriod: { start: '2025-03-03T14:15:00Z' } },
        ],
      },
    ]);
  });

  it('planned: the primary clinician is listed without a period', () => {
    const r = encounterResource(run([]));
    assert.equal(r.status, 'planned');
    assert.deepEqual((r.participant as { individual: unknown; period?: unknown }[])[0], {
      type: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
              code: 'PPRF',
              display: 'primary performer',
            },
          ],
        },
      ],
      individual: { reference: 'Practitioner/dr1' },
    });
    assert.equal('extension' in r, false);
  });

  it('a no-show and a cancellation carry the core reasonCancelled extension', () => {
    const noShow = encounterResource(run([[{ type: 'no-show' }, 20]]));
    assertValid(noShow);
    assert.equal(noShow.status, 'cancelled');
    assert.deepEqual(noShow.extension, [
      {
        url: REASON_CANCELLED_EXTENSION,
        valueCodeableConcept: { coding: [{ system: 'urn:openvisit:visit-cancel-reason', code: 'no-show' }] },
      },
    ]);
    const cancelled = encounterResource(
      run([
        [{ type: 'check-in' }, 0],
        [{ type: 'cancel', text: 'left the queue' }, 3],
      ]),
    );
    assertValid(cancelled);
    assert.deepEqual(cancelled.extension, [
      {
        url: REASON_CANCELLED_EXTENSION,
        valueCodeableConcept: {
          coding: [{ system: 'urn:openvisit:visit-cancel-reason', code: 'cancelled' }],
          text: 'left the queue',
        },
      },
    ]);
    assert.equal('period' in cancelled, false);
  });

  it('the validator does catch a broken Encounter (the check is not vacuous)', () => {
    const r = { ...encounterResource(run([])), status: 'booked', statusHistory: [] };
    assert.ok(validateResource(r, { resourceType: 'Encounter' }).length >= 2);
  });
});
