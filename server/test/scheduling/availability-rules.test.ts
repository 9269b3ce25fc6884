import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expandAvailability,
  parseWeeklyRecurrence,
} from '../../src/modules/scheduling/availability/index.js';
import type { ClinicianAvailability, WeeklyRule } from '../../src/modules/scheduling/availability/types.js';

const at = (iso: string): number => Date.parse(iso);

/** Intervals as `YYYY-MM-DD HH:MM-HH:MM` in the clinician's zone (Intl), to read like a calendar. */
function calendar(c: ClinicianAvailability, from: string, to: string, serviceLine?: string): string[] {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: c.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const local = (ms: number): string => f.format(ms).replace(',', '');
  return expandAvailability(c, at(from), at(to), serviceLine === undefined ? {} : { serviceLine }).map(
    (i) =>
      `${local(i.start)}-${local(i.end).slice(11)}${i.serviceLines ? ` [${i.serviceLines.join(',')}]` : ''}`,
  );
}

function clinician(rules: WeeklyRule[], extra: Partial<ClinicianAvailability> = {}): ClinicianAvailability {
  return {
    practitionerId: 'p1',
    timeZone: 'America/New_York',
    rules,
    overrides: [],
    timeOff: [],
    licensedStates: ['NY'],
    languages: ['en'],
    serviceLines: ['primary-care', 'behavioral-health'],
    weight: 1,
    ...extra,
  };
}

describe('weekly rules', () => {
  it('applies a rule from validFrom through validUntil, both included', () => {
    const c = clinician([
      {
        rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR',
        start: '09:00',
        end: '12:00',
        validFrom: '2026-01-07',
        validUntil: '2026-01-12',
      },
    ]);
    assert.deepEqual(calendar(c, '2026-01-01T00:00:00Z', '2026-01-31T00:00:00Z'), [
      '2026-01-07 09:00-12:00',
      '2026-01-09 09:00-12:00',
      '2026-01-12 09:00-12:00',
    ]);
  });

  it('counts INTERVAL=2 weeks from the week of validFrom', () => {
    // validFrom is a Wednesday: its week (Monday 01-05) is week 0, so 01-19 is next, not 01-12.
    const c = clinician([
      { rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE', start: '09:00', end: '10:00', validFrom: '2026-01-07' },
    ]);
    assert.deepEqual(calendar(c, '2026-01-01T00:00:00Z', '2026-02-06T00:00:00Z'), [
      '2026-01-07 09:00-10:00',
      '2026-01-19 09:00-10:00',
      '2026-01-21 09:00-10:00',
      '2026-02-02 09:00-10:00',
      '2026-02-04 09:00-10:00',
    ]);
  });

  it('follows RFC 5545’s own example of WKST changing what INTERVAL=2 gives', () => {
    const days = (rrule: string): string[] =>
      calendar(
        clinician([{ rrule, start: '09:00', end: '10:00', validFrom: '1997-08-05' }]),
        '1997-08-01T00:00:00Z',
        '1997-09-30T00:00:00Z',
      ).map((s) => s.slice(0, 10));
    assert.deepEqual(days('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO'), [
      '1997-08-05',
      '1997-08-10',
      '1997-08-19',
      '1997-08-24',
    ]);
    assert.deepEqual(days('FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU'), [
      '1997-08-05',
      '1997-08-17',
      '1997-08-19',
      '1997-08-31',
    ]);
  });

  it('takes DTSTART’s weekday without BYDAY, and bounds occurrences by UNTIL (date or instant)', () => {
    const days = (rrule: string): string[] =>
      calendar(
        clinician([{ rrule, start: '09:00', end: '10:00', validFrom: '2026-01-05' }]),
        '2026-01-01T00:00:00Z',
        '2026-02-28T00:00:00Z',
      ).map((s) => s.slice(0, 10));
    assert.deepEqual(days('FREQ=WEEKLY;UNTIL=20260119'), ['2026-01-05', '2026-01-12', '2026-01-19']);
    // 09:00 EST is 14:00Z: an UNTIL at that instant includes the day, a second earlier does not.
    assert.deepEqual(days('FREQ=WEEKLY;UNTIL=20260119T140000Z'), ['2026-01-05', '2026-01-12', '2026-01-19']);
    assert.deepEqual(days('FREQ=WEEKLY;UNTIL=20260119T135959Z'), ['2026-01-05', '2026-01-12']);
    assert.deepEqual(days('FREQ=WEEKLY;BYMONTH=2;BYDAY=MO'), [
      '2026-02-02',
      '2026-02-09',
      '2026-02-16',
      '2026-02-23',
    ]);
  });

  it('refuses RRULE parts it would not honour', () => {
    for (const rrule of [
      'FREQ=DAILY',
      'BYDAY=MO',
      'FREQ=WEEKLY;BYDAY=1MO',
      'FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO',
      'FREQ=WEEKLY;BYHOUR=9',
      'FREQ=WEEKLY;INTERVAL=0',
      'FREQ=WEEKLY;COUNT=2;UNTIL=20260101',
      'FREQ=WEEKLY;BYMONTH=13',
      'FREQ=WEEKLY;UNTIL=2026-01-01',
    ]) {
      assert.throws(() => parseWeeklyRecurrence(rrule), RangeError, rrule);
    }
    assert.deepEqual(parseWeeklyRecurrence('RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR;WKST=SU'), {
      interval: 3,
      weekdays: 0b10001,
      weekStart: 6,
      months: 0xfff,
    });
  });
});

describe('overrides and time off', () => {
  const weekdays: WeeklyRule = {
    rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    start: '09:00',
    end: '17:00',
    validFrom: '2026-01-01',
  };

  it('replaces a date’s hours with the override’s, gives extra hours, and takes a day off', () => {
    const c = clinician([weekdays], {
      overrides: [
        {
          date: '2026-02-03',
          intervals: [
            { start: '13:00', end: '15:00' },
            { start: '10:00', end: '12:00' },
          ],
        },
        { date: '2026-02-04', intervals: [] },
        { date: '2026-02-07', intervals: [{ start: '08:00', end: '11:00' }] },
      ],
    });
    assert.deepEqual(calendar(c, '2026-02-02T00:00:00Z', '2026-02-10T00:00:00Z'), [
      '2026-02-02 09:00-17:00',
      '2026-02-03 10:00-12:00',
      '2026-02-03 13:00-15:00',
      '2026-02-05 09:00-17:00',
      '2026-02-06 09:00-17:00',
      '2026-02-07 08:00-11:00',
      '2026-02-09 09:00-17:00',
    ]);
  });

  it('cuts time off out of the middle of a day and across days', () => {
    const c = clinician([weekdays], {
      timeOff: [
        { start: at('2026-02-02T17:00:00Z'), end: at('2026-02-02T18:30:00Z'), reason: 'meeting' }, // 12:00–13:30
        { start: at('2026-02-04T20:00:00Z'), end: at('2026-02-05T19:00:00Z') }, // Wed 15:00 to Thu 14:00
      ],
    });
    assert.deepEqual(calendar(c, '2026-02-02T00:00:00Z', '2026-02-06T00:00:00Z'), [
      '2026-02-02 09:00-12:00',
      '2026-02-02 13:30-17:00',
      '2026-02-03 09:00-17:00',
      '2026-02-04 09:00-15:00',
      '2026-02-05 14:00-17:00',
    ]);
  });

  it('clips to the window asked for', () => {
    const c = clinician([weekdays]);
    assert.deepEqual(calendar(c, '2026-02-02T16:00:00Z', '2026-02-03T15:00:00Z'), [
      '2026-02-02 11:00-17:00',
      '2026-02-03 09:00-10:00',
    ]);
  });
});

describe('service lines on rules', () => {
  const c = clinician([
    { rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '12:00', validFrom: '2026-01-01' },
    {
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      start: '12:00',
      end: '17:00',
      validFrom: '2026-01-01',
      serviceLines: ['behavioral-health'],
    },
  ]);

  it('gives a line only the hours of rules open to it, merged', () => {
    assert.deepEqual(calendar(c, '2026-02-02T00:00:00Z', '2026-02-03T00:00:00Z', 'primary-care'), [
      '2026-02-02 09:00-12:00',
    ]);
    assert.deepEqual(calendar(c, '2026-02-02T00:00:00Z', '2026-02-03T00:00:00Z', 'behavioral-health'), [
      '2026-02-02 09:00-17:00',
    ]);
  });

  it('lists the restricted hours with their lines when no line is asked for', () => {
    assert.deepEqual(calendar(c, '2026-02-02T00:00:00Z', '2026-02-03T00:00:00Z'), [
      '2026-02-02 09:00-12:00',
      '2026-02-02 12:00-17:00 [behavioral-health]',
    ]);
  });

  it('lets a date override replace restricted hours too (override hours serve every line)', () => {
    const withOverride = {
      ...c,
      overrides: [{ date: '2026-02-02', intervals: [{ start: '14:00', end: '15:00' }] }],
    };
    assert.deepEqual(calendar(withOverride, '2026-02-02T00:00:00Z', '2026-02-03T00:00:00Z'), [
      '2026-02-02 14:00-15:00',
    ]);
    assert.deepEqual(calendar(withOverride, '2026-02-02T00:00:00Z', '2026-02-03T00:00:00Z', 'primary-care'), [
      '2026-02-02 14:00-15:00',
    ]);
  });
});
