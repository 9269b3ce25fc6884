import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WeeklyRule } from '../src/api/scheduling.js';
import {
  buildWeeklyRules,
  emptyWeek,
  hoursProblems,
  parseWeeklyHours,
  plainWeekdays,
} from '../src/api/weekly-hours.js';

const WEEKDAYS = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
const DEMO: WeeklyRule[] = [
  { rrule: WEEKDAYS, start: '09:00', end: '12:30', validFrom: '2026-01-01' },
  { rrule: WEEKDAYS, start: '13:30', end: '17:00', validFrom: '2026-01-01' },
];

describe('the weekly hours editor and RRULEs', () => {
  it('reads plain weekly rules as weekday hours', () => {
    const { hours, kept, validFrom } = parseWeeklyHours(DEMO, '2026-11-22');
    assert.deepEqual(kept, []);
    assert.equal(validFrom, '2026-01-01');
    for (let d = 0; d < 5; d++)
      assert.deepEqual(hours[d], [
        { start: '09:00', end: '12:30' },
        { start: '13:30', end: '17:00' },
      ]);
    assert.deepEqual(hours[5], []);
    assert.deepEqual(hours[6], []);
  });

  it('writes the same rules back for the same hours', () => {
    const { hours, validFrom } = parseWeeklyHours(DEMO, '2026-11-22');
    assert.deepEqual(buildWeeklyRules(hours, validFrom ?? ''), DEMO);
  });

  it('writes one rule per distinct hours, on every day that has them, in weekday order', () => {
    const hours = emptyWeek();
    hours[4] = [{ start: '08:00', end: '12:00' }];
    hours[0] = [{ start: '08:00', end: '12:00' }];
    hours[2] = [
      { start: '13:00', end: '18:00' },
      { start: '08:00', end: '12:00' },
    ];
    hours[5] = [{ start: '10:00', end: '14:00' }];
    assert.deepEqual(buildWeeklyRules(hours, '2026-12-01'), [
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', start: '08:00', end: '12:00', validFrom: '2026-12-01' },
      { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '10:00', end: '14:00', validFrom: '2026-12-01' },
      { rrule: 'FREQ=WEEKLY;BYDAY=WE', start: '13:00', end: '18:00', validFrom: '2026-12-01' },
    ]);
    assert.deepEqual(buildWeeklyRules(emptyWeek(), '2026-12-01'), []);
  });

  it('keeps, unchanged, the rules the simple editor cannot show', () => {
    const odd: WeeklyRule[] = [
      { rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO', start: '09:00', end: '12:00', validFrom: '2026-01-01' },
      { rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20261231', start: '09:00', end: '12:00', validFrom: '2026-01-01' },
      { rrule: 'FREQ=WEEKLY;BYDAY=WE', start: '09:00', end: '12:00', validFrom: '2027-01-01' },
      {
        rrule: 'FREQ=WEEKLY;BYDAY=TH',
        start: '09:00',
        end: '12:00',
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
      },
      {
        rrule: 'FREQ=WEEKLY;BYDAY=FR',
        start: '09:00',
        end: '12:00',
        validFrom: '2026-01-01',
        serviceLines: ['behavioral-health'],
      },
      { rrule: 'RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=SA', start: '10:00', end: '11:00', validFrom: '2026-01-01' },
    ];
    const { hours, kept } = parseWeeklyHours(odd, '2026-11-22');
    assert.deepEqual(kept, odd.slice(0, 5));
    assert.deepEqual(hours[5], [{ start: '10:00', end: '11:00' }]);
    assert.deepEqual(
      hours.slice(0, 5).map((d) => d.length),
      [0, 0, 0, 0, 0],
    );
  });

  it('knows a plain weekly rule', () => {
    assert.deepEqual(plainWeekdays('FREQ=WEEKLY;BYDAY=FR,MO'), [0, 4]);
    assert.deepEqual(plainWeekdays('freq=weekly;byday=su;interval=1'), [6]);
    assert.equal(plainWeekdays('FREQ=WEEKLY'), null, 'no BYDAY: the start date’s weekday');
    assert.equal(plainWeekdays('FREQ=DAILY;BYDAY=MO'), null);
    assert.equal(plainWeekdays('FREQ=WEEKLY;BYDAY=1MO'), null);
    assert.equal(plainWeekdays('FREQ=WEEKLY;BYDAY=MO;COUNT=3'), null);
  });

  it('finds missing times, ends before starts and overlaps', () => {
    const hours = emptyWeek();
    hours[0] = [
      { start: '09:00', end: '12:00' },
      { start: '11:00', end: '13:00' },
    ];
    hours[1] = [{ start: '12:00', end: '09:00' }];
    hours[2] = [{ start: '09:00', end: '' }];
    hours[3] = [
      { start: '09:00', end: '12:00' },
      { start: '12:00', end: '17:00' },
    ];
    assert.deepEqual(hoursProblems(hours), [
      { day: 0, index: 0, problem: 'overlap' },
      { day: 0, index: 1, problem: 'overlap' },
      { day: 1, index: 0, problem: 'order' },
      { day: 2, index: 0, problem: 'incomplete' },
    ]);
  });
});
