import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addDays,
  dayBounds,
  daysFrom,
  fromLocalInput,
  groupByLocalDay,
  localDate,
  localTime,
  toLocalInput,
  weekdayOf,
  zonedInstant,
  zoneOffset,
} from '../src/api/local-days.js';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('days and wall-clock times in a time zone', () => {
  it('reads the day, time and offset of an instant in a zone', () => {
    const t = Date.parse('2026-11-25T14:00:00Z');
    assert.equal(localDate(t, NY), '2026-11-25');
    assert.equal(localTime(t, NY), '09:00');
    assert.equal(zoneOffset(t, NY), -5 * HOUR);
    assert.equal(zoneOffset(Date.parse('2026-07-01T12:00:00Z'), NY), -4 * HOUR);
    // Late evening in New York is the next day in UTC.
    assert.equal(localDate(Date.parse('2026-11-26T03:30:00Z'), NY), '2026-11-25');
    assert.equal(localDate(Date.parse('2026-11-26T03:30:00Z'), 'UTC'), '2026-11-26');
    assert.equal(localDate(Date.parse('2026-11-25T20:00:00Z'), 'Asia/Tokyo'), '2026-11-26');
  });

  it('turns a wall-clock time into its instant, on either side of a change of offset', () => {
    assert.equal(iso(zonedInstant('2026-11-25', '09:00', NY)), '2026-11-25T14:00:00.000Z');
    assert.equal(iso(zonedInstant('2026-07-01', '09:00', NY)), '2026-07-01T13:00:00.000Z');
    // The day the clocks go back (1 November 2026): 00:00 is still daylight time, 12:00 standard.
    assert.equal(iso(zonedInstant('2026-11-01', '00:00', NY)), '2026-11-01T04:00:00.000Z');
    assert.equal(iso(zonedInstant('2026-11-01', '12:00', NY)), '2026-11-01T17:00:00.000Z');
    // 01:30 happens twice that night: the first one.
    assert.equal(iso(zonedInstant('2026-11-01', '01:30', NY)), '2026-11-01T05:30:00.000Z');
    // The day they go forward (8 March 2026): 02:30 does not exist; it comes out as 03:30 EDT.
    assert.equal(iso(zonedInstant('2026-03-08', '02:30', NY)), '2026-03-08T07:30:00.000Z');
    assert.equal(iso(zonedInstant('2026-03-08', '03:00', NY)), '2026-03-08T07:00:00.000Z');
    // Southern hemisphere and half-hour zones.
    assert.equal(iso(zonedInstant('2026-01-15', '09:00', 'Australia/Sydney')), '2026-01-14T22:00:00.000Z');
    assert.equal(iso(zonedInstant('2026-01-15', '09:00', 'Asia/Kolkata')), '2026-01-15T03:30:00.000Z');
  });

  it('spans 23 and 25 hours on the days the clocks change', () => {
    const spring = dayBounds('2026-03-08', NY);
    assert.equal(spring.end - spring.start, 23 * HOUR);
    const fall = dayBounds('2026-11-01', NY);
    assert.equal(fall.end - fall.start, 25 * HOUR);
    const plain = dayBounds('2026-11-25', NY);
    assert.equal(plain.end - plain.start, 24 * HOUR);
  });

  it('counts calendar days and weekdays', () => {
    assert.equal(addDays('2026-02-27', 2), '2026-03-01');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(weekdayOf('2026-11-23'), 0, 'a Monday');
    assert.equal(weekdayOf('2026-11-29'), 6, 'a Sunday');
    assert.deepEqual(daysFrom('2026-10-30', 4), ['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
  });

  it('groups free times by the user’s day across the change back to standard time', () => {
    const times = [
      '2026-11-02T05:30:00Z', // 2 Nov 00:30 EST
      '2026-11-01T03:30:00Z', // 31 Oct 23:30 EDT
      '2026-11-01T06:30:00Z', // 1 Nov 01:30 EST (the second 01:30)
      '2026-11-01T05:30:00Z', // 1 Nov 01:30 EDT (the first)
      '2026-11-01T04:30:00Z', // 1 Nov 00:30 EDT
      '2026-11-02T04:30:00Z', // 1 Nov 23:30 EST
      '2026-11-05T15:00:00Z', // outside the days asked for
      'not a time',
    ].map((start) => ({ start }));
    const days = daysFrom('2026-10-31', 3);
    const groups = groupByLocalDay(times, NY, days);
    assert.deepEqual(
      groups.map((g) => [g.date, g.items.map((x) => x.start)]),
      [
        ['2026-10-31', ['2026-11-01T03:30:00Z']],
        [
          '2026-11-01',
          ['2026-11-01T04:30:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-02T04:30:00Z'],
        ],
        ['2026-11-02', ['2026-11-02T05:30:00Z']],
      ],
    );
  });

  it('groups across the change to daylight time, and by another zone’s days', () => {
    const times = [
      '2026-03-08T04:30:00Z',
      '2026-03-08T06:59:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-09T03:59:00Z',
    ];
    const ny = groupByLocalDay(
      times.map((start) => ({ start })),
      NY,
      ['2026-03-07', '2026-03-08'],
    );
    assert.deepEqual(
      ny.map((g) => g.items.length),
      [1, 3],
    );
    const utc = groupByLocalDay(
      times.map((start) => ({ start })),
      'UTC',
      ['2026-03-07', '2026-03-08', '2026-03-09'],
    );
    assert.deepEqual(
      utc.map((g) => g.items.length),
      [0, 3, 1],
    );
  });

  it('reads and writes datetime-local values in the clinician’s zone', () => {
    const t = Date.parse('2026-11-25T14:00:00Z');
    assert.equal(toLocalInput(t, NY), '2026-11-25T09:00');
    assert.equal(fromLocalInput('2026-11-25T09:00', NY), t);
    assert.equal(fromLocalInput('2026-07-01T09:00', NY), Date.parse('2026-07-01T13:00:00Z'));
    assert.ok(Number.isNaN(fromLocalInput('', NY)));
  });
});
