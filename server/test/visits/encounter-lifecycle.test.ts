import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALLOWED_FROM,
  inProgressMs,
  plannedVisit,
  visitTransition,
  VisitTransitionError,
  type VisitEvent,
  type VisitState,
  type VisitStatus,
} from '../../src/modules/visits/encounter/index.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

const base = () =>
  plannedVisit(
    { visitId: 'v1', appointmentId: 'a1', patientId: 'p1', practitionerId: 'dr1', serviceLine: 'derm' },
    T0,
  );

/** Applies `[event, minutes after T0]` pairs in order. */
function run(steps: [VisitEvent, number][], from: VisitState = base()): VisitState {
  return steps.reduce((s, [e, m]) => visitTransition(s, e, T0 + m * MIN), from);
}

const CHECK_IN: VisitEvent = { type: 'check-in' };
const ADMIT: VisitEvent = { type: 'admit', modality: 'video' };
const END: VisitEvent = { type: 'end' };

function assertContiguous(s: VisitState): void {
  const h = s.statusHistory;
  for (let i = 0; i < h.length - 1; i++)
    assert.equal(h[i]!.end, h[i + 1]!.start, `entry ${i} ends where ${i + 1} starts`);
  assert.equal(h[h.length - 1]!.end, undefined, 'current entry is open');
  assert.equal(h[h.length - 1]!.status, s.status);
  for (const e of h) assert.ok(e.end === undefined || e.end >= e.start);
}

const rejects = (s: VisitState, e: VisitEvent, at: number, code: string, message: RegExp) =>
  assert.throws(
    () => visitTransition(s, e, at),
    (err: unknown) => err instanceof VisitTransitionError && err.code === code && message.test(err.message),
  );

describe('visit lifecycle: legal paths', () => {
  it('planned → arrived → in-progress → finished, periods contiguous', () => {
    const s = run([
      [CHECK_IN, 0],
      [ADMIT, 12],
      [END, 32],
    ]);
    assert.equal(s.status, 'finished');
    assert.deepEqual(
      s.statusHistory.map((e) => [
        e.status,
        (e.start - T0) / MIN,
        e.end === undefined ? null : (e.end - T0) / MIN,
      ]),
      [
        ['planned', 0, 0],
        ['arrived', 0, 12],
        ['in-progress', 12, 32],
        ['finished', 32, null],
      ],
    );
    assertContiguous(s);
  });

  it('every non-error path through the machine', () => {
    const paths: [VisitEvent[], VisitStatus][] = [
      [[CHECK_IN, ADMIT, END], 'finished'],
      [[{ type: 'cancel' }], 'cancelled'],
      [[CHECK_IN, { type: 'cancel', text: 'patient left' }], 'cancelled'],
      [[{ type: 'no-show' }], 'cancelled'],
      [[{ type: 'enter-in-error' }], 'entered-in-error'],
      [[CHECK_IN, { type: 'enter-in-error' }], 'entered-in-error'],
      [[CHECK_IN, ADMIT, { type: 'enter-in-error' }], 'entered-in-error'],
      [[CHECK_IN, ADMIT, END, { type: 'enter-in-error' }], 'entered-in-error'],
      [[{ type: 'no-show' }, { type: 'enter-in-error' }], 'entered-in-error'],
    ];
    for (const [events, status] of paths) {
      const s = run(events.map((e, i) => [e, i * 5]));
      assert.equal(s.status, status, events.map((e) => e.type).join(' → '));
      assert.equal(s.statusHistory.length, events.length + 1);
      assertContiguous(s);
    }
  });

  it('cancel and no-show record their reason', () => {
    assert.deepEqual(run([[{ type: 'no-show' }, 20]]).cancel, { reason: 'no-show' });
    assert.deepEqual(run([[{ type: 'cancel', text: 'feeling better' }, 1]]).cancel, {
      reason: 'cancelled',
      text: 'feeling better',
    });
  });

  it('events at the same instant are accepted; the input state is never mutated', () => {
    const s0 = base();
    const snapshot = structuredClone(s0);
    const s = run(
      [
        [CHECK_IN, 0],
        [ADMIT, 0],
        [END, 0],
      ],
      s0,
    );
    assert.equal(s.status, 'finished');
    assert.deepEqual(s0, snapshot);
  });
});

describe('visit lifecycle: illegal transitions', () => {
  it('admit before check-in', () =>
    rejects(
      base(),
      ADMIT,
      T0,
      'illegal-transition',
      /Cannot admit a visit that is planned: only a checked-in/,
    ));

  it('end before admit', () => {
    rejects(base(), END, T0, 'illegal-transition', /Cannot end a visit that is planned/);
    rejects(
      run([[CHECK_IN, 0]]),
      END,
      T0,
      'illegal-transition',
      /Cannot end a visit that is arrived: only a visit in progress/,
    );
  });

  it('nothing but enter-in-error after finished', () => {
    const done = run([
      [CHECK_IN, 0],
      [ADMIT, 1],
      [END, 2],
    ]);
    const later = T0 + 3 * MIN;
    for (const e of [
      CHECK_IN,
      ADMIT,
      END,
      { type: 'cancel' },
      { type: 'no-show' },
      { type: 'modality-change', modality: 'audio' },
    ] as VisitEvent[])
      rejects(done, e, later, 'illegal-transition', new RegExp(`Cannot ${e.type} a visit that is finished`));
  });

  it('nothing at all after entered-in-error or a second check-in', () => {
    const gone = run([[{ type: 'enter-in-error' }, 0]]);
    rejects(
      gone,
      { type: 'enter-in-error' },
      T0,
      'illegal-transition',
      /entered-in-error: this status accepts no further events/,
    );
    rejects(run([[CHECK_IN, 0]]), CHECK_IN, T0, 'illegal-transition', /only a planned visit/);
  });

  it('cancel once in progress, no-show after check-in', () => {
    const live = run([
      [CHECK_IN, 0],
      [ADMIT, 1],
    ]);
    rejects(live, { type: 'cancel' }, T0 + MIN, 'illegal-transition', /not yet admitted/);
    rejects(run([[CHECK_IN, 0]]), { type: 'no-show' }, T0, 'illegal-transition', /never checked in/);
  });

  it('the transition table matches what visitTransition enforces', () => {
    const states: Record<VisitStatus, VisitState> = {
      planned: base(),
      arrived: run([[CHECK_IN, 0]]),
      'in-progress': run([
        [CHECK_IN, 0],
        [ADMIT, 0],
      ]),
      finished: run([
        [CHECK_IN, 0],
        [ADMIT, 0],
        [END, 0],
      ]),
      cancelled: run([[{ type: 'cancel' }, 0]]),
      'entered-in-error': run([[{ type: 'enter-in-error' }, 0]]),
    };
    const sample: Record<VisitEvent['type'], VisitEvent> = {
      'check-in': CHECK_IN,
      admit: ADMIT,
      'modality-change': { type: 'modality-change', modality: 'phone' },
      join: { type: 'join', role: 'interpreter', reference: 'Practitioner/int1' },
      leave: { type: 'leave', reference: 'Practitioner/dr1' },
      end: END,
      cancel: { type: 'cancel' },
      'no-show': { type: 'no-show' },
      'enter-in-error': { type: 'enter-in-error' },
    };
    for (const [type, event] of Object.entries(sample) as [VisitEvent['type'], VisitEvent][])
      for (const [status, state] of Object.entries(states) as [VisitStatus, VisitState][]) {
        const allowed = ALLOWED_FROM[type].includes(status);
        let error: unknown;
        try {
          visitTransition(state, event, T0 + MIN);
        } catch (e) {
          error = e;
        }
        const illegal = error instanceof VisitTransitionError && error.code === 'illegal-transition';
        assert.equal(illegal, !allowed, `${type} from ${status}`);
      }
  });

  it('time going backwards, non-finite times and unknown modalities', () => {
    const arrived = run([[CHECK_IN, 10]]);
    rejects(arrived, ADMIT, T0 + 9 * MIN, 'time-went-backwards', /before the visit's last event/);
    rejects(arrived, ADMIT, Number.NaN, 'invalid-time', /finite/);
    rejects(
      arrived,
      { type: 'admit', modality: 'smoke' } as unknown as VisitEvent,
      T0 + 11 * MIN,
      'unknown-modality',
      /video, audio, phone/,
    );
    assert.throws(
      () => plannedVisit({ visitId: 'v', appointmentId: 'a', patientId: 'p', practitionerId: 'd' }, Infinity),
      TypeError,
    );
  });

  it('errors carry event and from-status', () => {
    try {
      visitTransition(base(), END, T0);
      assert.fail('expected a rejection');
    } catch (e) {
      assert.ok(e instanceof VisitTransitionError);
      assert.equal(e.name, 'VisitTransitionError');
      assert.equal(e.event, 'end');
      assert.equal(e.from, 'planned');
    }
  });
});

describe('visit lifecycle: duration and modality history', () => {
  it('duration counts in-progress time only, not the waiting room', () => {
    const s = run([
      [CHECK_IN, 0],
      [ADMIT, 25],
      [END, 43],
    ]);
    assert.equal(inProgressMs(s), 18 * MIN);
    const live = run([
      [CHECK_IN, 0],
      [ADMIT, 25],
    ]);
    assert.equal(inProgressMs(live), 0, 'an open entry counts only up to a given time');
    assert.equal(inProgressMs(live, T0 + 30 * MIN), 5 * MIN);
    assert.equal(
      inProgressMs(
        run([
          [CHECK_IN, 0],
          [{ type: 'cancel' }, 40],
        ]),
      ),
      0,
    );
  });

  it('modality changes are time-stamped, contiguous and closed at the end', () => {
    const s = run([
      [CHECK_IN, 0],
      [ADMIT, 2],
      [{ type: 'modality-change', modality: 'audio' }, 7],
      [{ type: 'modality-change', modality: 'phone' }, 9],
      [{ type: 'modality-change', modality: 'video' }, 15],
      [END, 20],
    ]);
    assert.deepEqual(
      s.modalityHistory.map((m) => [m.modality, (m.start - T0) / MIN, (m.end! - T0) / MIN]),
      [
        ['video', 2, 7],
        ['audio', 7, 9],
        ['phone', 9, 15],
        ['video', 15, 20],
      ],
    );
    assert.equal(inProgressMs(s), 18 * MIN, 'modality changes do not split or pause the visit');
  });

  it('rejects a change to the modality already in use, and before admission', () => {
    const live = run([
      [CHECK_IN, 0],
      [{ type: 'admit', modality: 'audio' }, 1],
    ]);
    rejects(
      live,
      { type: 'modality-change', modality: 'audio' },
      T0 + 2 * MIN,
      'same-modality',
      /already uses audio/,
    );
    rejects(
      run([[CHECK_IN, 0]]),
      { type: 'modality-change', modality: 'audio' },
      T0,
      'illegal-transition',
      /only while the visit is in progress/,
    );
  });
});

describe('visit lifecycle: participants', () => {
  it('the primary clinician joins at admission; others join, leave and rejoin; all leave at the end', () => {
    const s = run([
      [CHECK_IN, 0],
      [{ type: 'join', role: 'caregiver', reference: 'RelatedPerson/mum' }, 1],
      [ADMIT, 5],
      [{ type: 'join', role: 'interpreter', reference: 'Practitioner/int1' }, 6],
      [{ type: 'leave', reference: 'Practitioner/int1' }, 8],
      [{ type: 'join', role: 'consultant', reference: 'Practitioner/int1' }, 9],
      [END, 20],
    ]);
    assert.deepEqual(
      s.participants.map((p) => [p.role, p.reference, (p.start! - T0) / MIN, (p.end! - T0) / MIN]),
      [
        ['primary-clinician', 'Practitioner/dr1', 5, 20],
        ['caregiver', 'RelatedPerson/mum', 1, 20],
        ['interpreter', 'Practitioner/int1', 6, 8],
        ['interpreter', 'Practitioner/int1', 9, 20],
      ],
    );
  });

  it('rejects joining twice, leaving when absent, and the clinician joining before admitting', () => {
    const live = run([
      [CHECK_IN, 0],
      [ADMIT, 1],
      [{ type: 'join', role: 'caregiver', reference: 'RelatedPerson/x' }, 2],
    ]);
    rejects(
      live,
      { type: 'join', role: 'caregiver', reference: 'RelatedPerson/x' },
      T0 + 3 * MIN,
      'already-present',
      /already in the visit/,
    );
    rejects(
      live,
      { type: 'leave', reference: 'RelatedPerson/y' },
      T0 + 3 * MIN,
      'not-present',
      /not in the visit/,
    );
    rejects(
      run([[CHECK_IN, 0]]),
      { type: 'join', role: 'secondary-clinician', reference: 'Practitioner/dr1' },
      T0,
      'already-present',
      /already/,
    );
    rejects(
      base(),
      { type: 'join', role: 'caregiver', reference: 'RelatedPerson/x' },
      T0,
      'illegal-transition',
      /only after check-in/,
    );
  });
});
