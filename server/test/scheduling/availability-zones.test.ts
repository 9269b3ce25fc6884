import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandAvailability, findSlots } from '../../src/modules/scheduling/availability/index.js';
import type {
  ClinicianAvailability,
  SlotQuery,
  VisitType,
  WeeklyRule,
} from '../../src/modules/scheduling/availability/types.js';

// 2026: the US changes on 03-08 and 11-01, the EU on 03-29 and 10-25. Between those dates the
// offset between New York and Berlin is 5 hours instead of 6.

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16) + 'Z';

/** What a patient's screen shows: `YYYY-MM-DD HH:MM` in their zone, formatted by Intl. */
function shownIn(timeZone: string, ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(ms);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

const visit: VisitType = {
  id: 'primary-care-video-20',
  serviceLine: 'primary-care',
  name: 'Video visit',
  durationMin: 20,
  modalities: ['video'],
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  minNoticeMin: 0,
  bookingWindowDays: 730,
  patientKind: 'any',
  bookableBy: ['patient'],
  groupCapacity: 1,
};

function clinician(timeZone: string, rules: WeeklyRule[], practitionerId = 'p1'): ClinicianAvailability {
  return {
    practitionerId,
    timeZone,
    rules,
    overrides: [],
    timeOff: [],
    licensedStates: ['NY'],
    languages: ['en'],
    serviceLines: ['primary-care'],
    weight: 1,
  };
}

const weekdays = (start: string, end: string): WeeklyRule => ({
  rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  start,
  end,
  validFrom: '2026-01-01',
});

/** The first slot of a local day (UTC date given as the day's midnight window). */
function firstSlotOn(c: ClinicianAvailability, date: string, visitType = visit): number {
  const query: SlotQuery = {
    visitType,
    from: at(`${date}T00:00:00Z`) - 14 * 3_600_000,
    to: at(`${date}T23:59:59Z`) + 14 * 3_600_000,
    now: at('2026-01-01T00:00:00Z'),
    limit: 500,
  };
  const slots = findSlots(query, [c], []).filter((s) => shownIn(c.timeZone, s.start).startsWith(date));
  assert.ok(slots.length > 0, `a slot on ${date}`);
  return slots[0]!.start;
}

describe('availability across daylight-saving changes', () => {
  const newYork = clinician('America/New_York', [weekdays('09:00', '17:00')]);

  it('keeps a New York clinician at 09:00 local: the UTC instant moves on the US change days', () => {
    assert.equal(iso(firstSlotOn(newYork, '2026-03-06')), '2026-03-06T14:00Z', 'Friday before: EST');
    assert.equal(iso(firstSlotOn(newYork, '2026-03-09')), '2026-03-09T13:00Z', 'Monday after March 8: EDT');
    assert.equal(iso(firstSlotOn(newYork, '2026-10-30')), '2026-10-30T13:00Z', 'Friday before: EDT');
    assert.equal(
      iso(firstSlotOn(newYork, '2026-11-02')),
      '2026-11-02T14:00Z',
      'Monday after November 1: EST',
    );
  });

  it('shows a Berlin patient the New York hours at the right local time, also while only one side changed', () => {
    const cases: [string, string][] = [
      ['2026-03-02', '2026-03-02 15:00'], // both on standard time: 6 hours apart
      ['2026-03-09', '2026-03-09 14:00'], // US on summer time, EU not yet: 5 hours
      ['2026-03-30', '2026-03-30 15:00'], // both on summer time: 6 hours
      ['2026-10-26', '2026-10-26 14:00'], // EU back on standard time, US not yet: 5 hours
      ['2026-11-02', '2026-11-02 15:00'], // both on standard time: 6 hours
    ];
    for (const [date, berlin] of cases) {
      const start = firstSlotOn(newYork, date);
      assert.equal(shownIn('America/New_York', start), `${date} 09:00`, `clinician's clock on ${date}`);
      assert.equal(shownIn('Europe/Berlin', start), berlin, `patient's clock on ${date}`);
    }
  });

  it('keeps a Madrid clinician at 09:00 local across the EU changes, seen from New York', () => {
    const madrid = clinician('Europe/Madrid', [weekdays('09:00', '17:00')]);
    const cases: [string, string, string][] = [
      ['2026-03-23', '2026-03-23T08:00Z', '2026-03-23 04:00'], // CET; New York already on EDT
      ['2026-03-30', '2026-03-30T07:00Z', '2026-03-30 03:00'], // CEST
      ['2026-10-19', '2026-10-19T07:00Z', '2026-10-19 03:00'], // CEST
      ['2026-10-26', '2026-10-26T08:00Z', '2026-10-26 04:00'], // CET; New York still on EDT
      ['2026-11-02', '2026-11-02T08:00Z', '2026-11-02 03:00'], // CET and EST
    ];
    for (const [date, utc, newYorkClock] of cases) {
      const start = firstSlotOn(madrid, date);
      assert.equal(iso(start), utc, `UTC on ${date}`);
      assert.equal(shownIn('Europe/Madrid', start), `${date} 09:00`);
      assert.equal(shownIn('America/New_York', start), newYorkClock, `New York clock on ${date}`);
    }
  });

  it('works the southern hemisphere the other way round (Sydney changes in April and October)', () => {
    const sydney = clinician('Australia/Sydney', [weekdays('09:00', '17:00')]);
    assert.equal(iso(firstSlotOn(sydney, '2026-04-03')), '2026-04-02T22:00Z', 'AEDT, +11');
    assert.equal(iso(firstSlotOn(sydney, '2026-04-06')), '2026-04-05T23:00Z', 'AEST, +10');
    assert.equal(iso(firstSlotOn(sydney, '2026-10-02')), '2026-10-01T23:00Z', 'AEST, +10');
    assert.equal(iso(firstSlotOn(sydney, '2026-10-05')), '2026-10-04T22:00Z', 'AEDT, +11');
  });

  it('keeps the same number of slots on a normal day on both sides of a change', () => {
    const count = (from: string, to: string): number =>
      findSlots(
        { visitType: visit, from: at(from), to: at(to), now: at('2026-01-01T00:00:00Z') },
        [newYork],
        [],
      ).length;
    assert.equal(count('2026-03-06T05:00:00Z', '2026-03-07T05:00:00Z'), 24);
    assert.equal(count('2026-03-09T04:00:00Z', '2026-03-10T04:00:00Z'), 24);
  });
});

describe('local times that do not exist or exist twice', () => {
  const sundays = (start: string, end: string): WeeklyRule => ({
    rrule: 'FREQ=WEEKLY;BYDAY=SU',
    start,
    end,
    validFrom: '2026-01-04',
  });
  const intervals = (c: ClinicianAvailability, from: string, to: string): string[] =>
    expandAvailability(c, at(from), at(to)).map((i) => `${iso(i.start)}..${iso(i.end)}`);

  it('moves a start in the spring-forward gap to the first instant after it (03:00 EDT)', () => {
    const c = clinician('America/New_York', [sundays('02:30', '05:00')]);
    assert.deepEqual(intervals(c, '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z'), [
      '2026-03-01T07:30Z..2026-03-01T10:00Z', // 02:30 EST
      '2026-03-08T07:00Z..2026-03-08T09:00Z', // 02:30 does not exist: 03:00 EDT
      '2026-03-15T06:30Z..2026-03-15T09:00Z', // 02:30 EDT
    ]);
    const fromTwo = clinician('America/New_York', [sundays('02:00', '04:00')]);
    assert.deepEqual(intervals(fromTwo, '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z'), [
      '2026-03-08T07:00Z..2026-03-08T08:00Z',
    ]);
  });

  it('offers the gap day’s slots from 03:00 local on', () => {
    const c = clinician('America/New_York', [sundays('02:30', '05:00')]);
    const slots = findSlots(
      {
        visitType: { ...visit, durationMin: 30 },
        from: at('2026-03-08T00:00:00Z'),
        to: at('2026-03-09T00:00:00Z'),
        now: at('2026-01-01T00:00:00Z'),
      },
      [c],
      [],
    );
    assert.deepEqual(
      slots.map((s) => shownIn('America/New_York', s.start).slice(11)),
      ['03:00', '03:30', '04:00', '04:30'],
    );
  });

  it('takes the first of two 01:30s at the fall-back, and the end after it', () => {
    const c = clinician('America/New_York', [sundays('01:30', '03:00')]);
    assert.deepEqual(intervals(c, '2026-10-25T00:00:00Z', '2026-11-09T00:00:00Z'), [
      '2026-10-25T05:30Z..2026-10-25T07:00Z', // 01:30 to 03:00 EDT
      '2026-11-01T05:30Z..2026-11-01T08:00Z', // 01:30 EDT (the first) to 03:00 EST: 2½ hours
      '2026-11-08T06:30Z..2026-11-08T08:00Z', // 01:30 to 03:00 EST
    ]);
  });

  it('does the same at the EU changes (02:00 → 03:00 in March, 03:00 → 02:00 in October)', () => {
    const c = clinician('Europe/Madrid', [sundays('02:30', '04:00')]);
    assert.deepEqual(intervals(c, '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z'), [
      '2026-03-29T01:00Z..2026-03-29T02:00Z', // 02:30 does not exist: 03:00 CEST to 04:00 CEST
    ]);
    assert.deepEqual(intervals(c, '2026-10-24T12:00:00Z', '2026-10-26T00:00:00Z'), [
      '2026-10-25T00:30Z..2026-10-25T03:00Z', // 02:30 CEST (the first) to 04:00 CET
    ]);
  });

  it('reads 24:00 as the next local midnight', () => {
    const c = clinician('America/New_York', [sundays('22:00', '24:00')]);
    assert.deepEqual(intervals(c, '2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z'), [
      '2026-03-02T03:00Z..2026-03-02T05:00Z',
    ]);
  });
});
