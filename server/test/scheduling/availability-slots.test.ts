import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blockedRange,
  busyRangeFor,
  expandAvailability,
  findSlots,
  searchWindow,
} from '../../src/modules/scheduling/availability/index.js';
import type {
  BusyInterval,
  ClinicianAvailability,
  Slot,
  SlotQuery,
  VisitType,
} from '../../src/modules/scheduling/availability/types.js';
import { seededRandom } from '../support/seeded-random.js';

const MIN = 60_000;
const DAY = 86_400_000;
const at = (iso: string): number => Date.parse(iso);

/** `YYYY-MM-DD HH:MM` in a zone, by Intl (independent of the engine's own zone tables). */
function local(timeZone: string, ms: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
    .format(ms)
    .replace(',', '');
}
const ny = (ms: number): string => local('America/New_York', ms);

const visit: VisitType = {
  id: 'primary-care-video-20',
  serviceLine: 'primary-care',
  name: 'Video visit',
  durationMin: 20,
  modalities: ['video'],
  bufferBeforeMin: 0,
  bufferAfterMin: 0,
  minNoticeMin: 0,
  bookingWindowDays: 365,
  patientKind: 'any',
  bookableBy: ['patient'],
  groupCapacity: 1,
};

function clinician(
  practitionerId: string,
  extra: Partial<ClinicianAvailability> = {},
): ClinicianAvailability {
  return {
    practitionerId,
    timeZone: 'America/New_York',
    rules: [
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '17:00', validFrom: '2026-01-01' },
    ],
    overrides: [],
    timeOff: [],
    licensedStates: ['NY', 'NJ'],
    languages: ['en'],
    serviceLines: ['primary-care'],
    weight: 1,
    ...extra,
  };
}

// Monday 2026-02-02 in New York (EST, UTC−5).
const monday = (hhmm: string): number => at(`2026-02-02T${hhmm}:00-05:00`);
const query = (extra: Partial<SlotQuery> = {}): SlotQuery => ({
  visitType: visit,
  from: at('2026-02-02T05:00:00Z'),
  to: at('2026-02-03T05:00:00Z'),
  now: at('2026-01-01T00:00:00Z'),
  ...extra,
});
const times = (slots: Slot[]): string[] => slots.map((s) => ny(s.start).slice(11));

describe('which clinicians are offered', () => {
  const pool = [
    clinician('ana', { licensedStates: ['NY'], languages: ['es-MX', 'en'] }),
    clinician('bo', { licensedStates: ['CA'], languages: ['es'] }),
    clinician('cy', { licensedStates: ['NY'], languages: ['fr'] }),
    clinician('di', { serviceLines: ['behavioral-health'] }),
  ];
  const who = (extra: Partial<SlotQuery>): string[] => [
    ...new Set(findSlots(query(extra), pool, []).map((s) => s.practitionerId)),
  ];

  it('only those serving the visit type’s line', () => {
    assert.deepEqual(who({}), ['ana', 'bo', 'cy']);
  });

  it('only those licensed in the patient’s state', () => {
    assert.deepEqual(who({ state: 'NY' }), ['ana', 'cy']);
    assert.deepEqual(who({ state: 'ca' }), ['bo']);
    assert.deepEqual(who({ state: 'TX' }), []);
  });

  it('only those speaking the language, by primary subtag in any case', () => {
    assert.deepEqual(who({ language: 'es' }), ['ana', 'bo']);
    assert.deepEqual(who({ language: 'es-MX' }), ['ana', 'bo']);
    assert.deepEqual(who({ language: 'ES-es' }), ['ana', 'bo']);
    assert.deepEqual(who({ language: 'fr-CA', state: 'NY' }), ['cy']);
  });

  it('only the clinicians named', () => {
    assert.deepEqual(who({ practitionerIds: ['cy', 'di', 'nobody'] }), ['cy']);
  });

  it('only in hours whose rule is open to the line', () => {
    const split = clinician('ed', {
      serviceLines: ['primary-care', 'behavioral-health'],
      rules: [
        { rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '10:00', validFrom: '2026-01-01' },
        {
          rrule: 'FREQ=WEEKLY;BYDAY=MO',
          start: '10:00',
          end: '11:00',
          validFrom: '2026-01-01',
          serviceLines: ['behavioral-health'],
        },
      ],
    });
    assert.deepEqual(times(findSlots(query(), [split], [])), ['09:00', '09:20', '09:40']);
    const bh = { ...visit, serviceLine: 'behavioral-health' };
    assert.deepEqual(times(findSlots(query({ visitType: bh }), [split], [])), [
      '09:00',
      '09:20',
      '09:40',
      '10:00',
      '10:20',
      '10:40',
    ]);
  });
});

describe('slot grid, buffers and busy time', () => {
  const buffered: VisitType = { ...visit, bufferBeforeMin: 10, bufferAfterMin: 5 };

  it('gives the blocked range of a visit: its buffers around it', () => {
    const start = monday('10:00');
    assert.deepEqual(blockedRange(buffered, start), { start: start - 10 * MIN, end: start + 25 * MIN });
    assert.deepEqual(blockedRange(visit, start), { start, end: start + 20 * MIN });
  });

  it('steps from the start of the hours by slotStepMin, the visit inside the hours', () => {
    const c = clinician('ana', {
      rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:10', end: '10:00', validFrom: '2026-01-01' }],
    });
    assert.deepEqual(times(findSlots(query(), [c], [])), ['09:10', '09:30']);
    const stepped = { ...visit, slotStepMin: 15 };
    assert.deepEqual(times(findSlots(query({ visitType: stepped }), [c], [])), ['09:10', '09:25', '09:40']);
  });

  it('drops the slots whose blocked range touches a booking, keeps the rest', () => {
    const c = clinician('ana');
    const booked = blockedRange(buffered, monday('10:00'));
    const busy: BusyInterval[] = [{ practitionerId: 'ana', ...booked, counts: true }];
    const slots = findSlots(query({ visitType: buffered }), [c], busy);
    // 09:40 would run its after-buffer to 10:05 (booking blocked from 09:50); 10:20's before-buffer
    // starts 10:10 (booking blocked to 10:25).
    assert.deepEqual(times(slots).slice(0, 5), ['09:00', '09:20', '10:40', '11:00', '11:20']);
    for (const s of slots) {
      const mine = blockedRange(buffered, s.start);
      assert.ok(mine.end <= booked.start || mine.start >= booked.end, `${ny(s.start)} clear of the booking`);
    }
    // Another clinician's booking blocks nothing of ana's.
    const other = findSlots(query({ visitType: buffered }), [c], [{ ...busy[0]!, practitionerId: 'bo' }]);
    assert.equal(other.length, 24);
  });

  it('agrees with itself: booking a found slot removes it and nothing it does not overlap', () => {
    const c = clinician('ana');
    const before = findSlots(query({ visitType: buffered }), [c], []);
    const chosen = before[7]!;
    const busy: BusyInterval[] = [
      { practitionerId: 'ana', ...blockedRange(buffered, chosen.start), counts: true },
    ];
    const after = findSlots(query({ visitType: buffered }), [c], busy);
    const overlaps = (s: Slot): boolean => {
      const a = blockedRange(buffered, s.start);
      return a.start < busy[0]!.end && busy[0]!.start < a.end;
    };
    assert.deepEqual(
      after,
      before.filter((s) => !overlaps(s)),
    );
    assert.ok(!after.some((s) => s.start === chosen.start));
  });

  it('keeps buffers clear of time off, and restarts the grid after it', () => {
    const c = clinician('ana', { timeOff: [{ start: monday('12:00'), end: monday('13:00') }] });
    const around = times(findSlots(query({ visitType: buffered }), [c], [])).filter(
      (t) => t >= '11:00' && t < '14:00',
    );
    assert.deepEqual(around, ['11:00', '11:20', '13:20', '13:40']);
    const plain = times(findSlots(query(), [c], [])).filter((t) => t >= '11:00' && t < '14:00');
    assert.deepEqual(plain, ['11:00', '11:20', '11:40', '13:00', '13:20', '13:40']);
  });

  it('handles busy rows in any order and overlapping each other', () => {
    const c = clinician('ana');
    const rows: BusyInterval[] = [
      { practitionerId: 'ana', start: monday('14:00'), end: monday('15:00'), counts: false },
      { practitionerId: 'ana', start: monday('10:00'), end: monday('10:40'), counts: false },
      { practitionerId: 'ana', start: monday('09:30'), end: monday('12:00'), counts: false },
      { practitionerId: 'ana', start: monday('10:20'), end: monday('10:30'), counts: false },
    ];
    assert.deepEqual(times(findSlots(query(), [c], rows)), [
      '09:00',
      '12:00',
      '12:20',
      '12:40',
      '13:00',
      '13:20',
      '13:40',
      '15:00',
      '15:20',
      '15:40',
      '16:00',
      '16:20',
      '16:40',
    ]);
  });
});

describe('the search window', () => {
  it('starts no earlier than now plus the minimum notice, on the grid', () => {
    const c = clinician('ana');
    const q = query({
      now: monday('10:05'),
      from: at('2026-01-01T00:00:00Z'),
      visitType: { ...visit, minNoticeMin: 60 },
    });
    assert.equal(ny(findSlots(q, [c], [])[0]!.start), '2026-02-02 11:20');
  });

  it('ends at the booking window after now, and at `to`, both included', () => {
    const c = clinician('ana');
    const windowed = query({
      now: monday('10:05'),
      to: at('2026-03-01T00:00:00Z'),
      visitType: { ...visit, bookingWindowDays: 2, minNoticeMin: 0 },
    });
    const slots = findSlots(windowed, [c], []);
    assert.equal(ny(slots.at(-1)!.start), '2026-02-04 10:00');
    assert.deepEqual(searchWindow(windowed), { start: monday('10:05'), end: monday('10:05') + 2 * DAY });
    const upTo = findSlots(query({ to: monday('10:00') }), [c], []);
    assert.equal(ny(upTo.at(-1)!.start), '2026-02-02 10:00');
  });

  it('is empty when notice or window leave nothing, and asks for busy rows a week beyond', () => {
    const q = query({ now: at('2026-02-10T00:00:00Z') });
    assert.equal(searchWindow(q), null);
    assert.deepEqual(findSlots(q, [clinician('ana')], []), []);
    assert.equal(busyRangeFor(q), null);
    const range = busyRangeFor(query())!;
    assert.ok(range.from <= at('2026-01-26T05:00:00Z') && range.to >= at('2026-02-10T05:00:00Z'));
  });
});

describe('caps per day and week in the clinician’s zone', () => {
  // Works every day 09:00–22:00 local.
  const daily = {
    rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU',
    start: '09:00',
    end: '22:00',
    validFrom: '2026-01-01',
  };
  const days = (slots: Slot[]): string[] => [...new Set(slots.map((s) => ny(s.start).slice(0, 10)))];
  const week = query({ from: at('2026-02-02T05:00:00Z'), to: at('2026-02-16T05:00:00Z'), limit: 10_000 });
  const booking = (start: number, extra: Partial<BusyInterval> = {}): BusyInterval => ({
    practitionerId: 'ana',
    start,
    end: start + 20 * MIN,
    counts: true,
    ...extra,
  });

  it('closes a local day at maxPerDay, counting by the clinician’s date, not UTC’s', () => {
    const c = clinician('ana', { rules: [daily], maxPerDay: 2 });
    // Tuesday 21:00 in New York is Wednesday 02:00 UTC: it is Tuesday's.
    const busy = [booking(at('2026-02-03T09:00:00-05:00')), booking(at('2026-02-03T21:00:00-05:00'))];
    const open = days(findSlots(week, [c], busy));
    assert.ok(!open.includes('2026-02-03'), 'Tuesday full');
    assert.ok(open.includes('2026-02-02') && open.includes('2026-02-04'), 'Monday and Wednesday open');
  });

  it('counts a count-only row (an empty range) as the appointments it stands for, taking no time', () => {
    const c = clinician('ana', { rules: [daily], maxPerDay: 3, maxPerWeek: 5 });
    const tuesday = at('2026-02-03T10:00:00-05:00');
    const marker = (start: number, appointments: number) => booking(start, { end: start, appointments });
    const open = days(findSlots(week, [c], [marker(tuesday, 3)]));
    assert.ok(!open.includes('2026-02-03') && open.includes('2026-02-02'), 'three on Tuesday: full');
    const two = days(findSlots(week, [c], [marker(tuesday, 2)]));
    assert.ok(two.includes('2026-02-03'), 'two on Tuesday: room for one more');
    const slots = findSlots({ ...week, limit: 500 }, [c], [marker(tuesday, 2)]);
    assert.ok(
      slots.some((x) => x.start <= tuesday && x.end > tuesday),
      'the row takes no time: the slot at its instant stays free',
    );
    const weekFull = days(
      findSlots(week, [c], [marker(tuesday, 2), marker(at('2026-02-04T10:00:00-05:00'), 3)]),
    );
    assert.ok(
      !weekFull.some((d) => d >= '2026-02-02' && d <= '2026-02-08'),
      'five in the week: the week is full',
    );
  });

  it('does not count rows marked not counting', () => {
    const c = clinician('ana', { rules: [daily], maxPerDay: 1 });
    const open = days(findSlots(week, [c], [booking(at('2026-02-03T10:00:00-05:00'), { counts: false })]));
    assert.ok(open.includes('2026-02-03'));
  });

  it('counts an appointment on the date of its own start when its buffer reaches back over midnight', () => {
    const c = clinician('ana', { rules: [daily], maxPerDay: 1 });
    const start = at('2026-02-04T00:00:00-05:00');
    const row = booking(start - 10 * MIN, { end: start + 25 * MIN, appointmentStart: start });
    const open = days(findSlots(week, [c], [row]));
    assert.ok(open.includes('2026-02-03') && !open.includes('2026-02-04'), 'Wednesday full, Tuesday open');
    const { appointmentStart: _, ...withoutStart } = row;
    const byBlocked = days(findSlots(week, [c], [withoutStart]));
    assert.ok(
      !byBlocked.includes('2026-02-03') && byBlocked.includes('2026-02-04'),
      'else by the blocked start',
    );
  });

  it('closes an ISO week (Monday first, local) at maxPerWeek', () => {
    const c = clinician('ana', { rules: [daily], maxPerWeek: 2 });
    const busy = [booking(at('2026-02-02T10:00:00-05:00')), booking(at('2026-02-04T10:00:00-05:00'))];
    assert.deepEqual(days(findSlots(week, [c], busy)), [
      '2026-02-09',
      '2026-02-10',
      '2026-02-11',
      '2026-02-12',
      '2026-02-13',
      '2026-02-14',
      '2026-02-15',
    ]);
  });

  it('puts Sunday evening in New York (Monday in UTC) in the week it ends', () => {
    const c = clinician('ana', { rules: [daily], maxPerWeek: 1 });
    const open = days(findSlots(week, [c], [booking(at('2026-02-08T20:00:00-05:00'))]));
    assert.equal(open[0], '2026-02-09', 'the week of Feb 2 is full, the week of Feb 9 is not');
  });
});

describe('order and limit', () => {
  it('orders by start, then practitionerId, whatever the input order; stops at the limit', () => {
    const pool = [clinician('cy'), clinician('ana'), clinician('bo'), clinician('ana')];
    const slots = findSlots(query({ limit: 5 }), pool, []);
    assert.deepEqual(
      slots.map((s) => `${ny(s.start).slice(11)} ${s.practitionerId}`),
      ['09:00 ana', '09:00 bo', '09:00 cy', '09:20 ana', '09:20 bo'],
    );
    assert.equal(findSlots(query(), pool, []).length, 3 * 24, 'a clinician listed twice is searched once');
    assert.equal(findSlots(query({ limit: 0 }), pool, []).length, 0);
  });
});

// A slow, direct reading of the rules to compare the engine with on random cases: the working
// hours from expandAvailability, then every grid start checked against every busy row, time off
// and cap, local dates by Intl.
function referenceSlots(q: SlotQuery, clinicians: ClinicianAvailability[], busy: BusyInterval[]): Slot[] {
  const vt = q.visitType;
  const from = Math.max(q.from, q.now + vt.minNoticeMin * MIN);
  const to = Math.min(q.to, q.now + vt.bookingWindowDays * DAY);
  const step = (vt.slotStepMin ?? vt.durationMin) * MIN;
  const duration = vt.durationMin * MIN;
  const out: Slot[] = [];
  const isoWeek = (date: string): string => {
    const d = Date.parse(`${date}T00:00:00Z`);
    return new Date(d - ((new Date(d).getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
  };
  for (const c of clinicians) {
    if (!c.serviceLines.includes(vt.serviceLine)) continue;
    if (q.language && !c.languages.some((l) => l.split('-')[0] === q.language!.split('-')[0])) continue;
    if (q.state && !c.licensedStates.includes(q.state)) continue;
    const rows = busy.filter((b) => b.practitionerId === c.practitionerId);
    const countedDays = rows
      .filter((b) => b.counts)
      .map((b) => local(c.timeZone, b.appointmentStart ?? b.start).slice(0, 10));
    for (const iv of expandAvailability(c, from - 2 * DAY, to + 2 * DAY, { serviceLine: vt.serviceLine })) {
      for (let start = iv.start; start + duration <= iv.end; start += step) {
        if (start < from || start > to) continue;
        const blocked = blockedRange(vt, start);
        const hits = (r: { start: number; end: number }): boolean =>
          r.start < blocked.end && blocked.start < r.end;
        if (rows.some(hits) || c.timeOff.some(hits)) continue;
        const day = local(c.timeZone, start).slice(0, 10);
        if (c.maxPerDay !== undefined && countedDays.filter((d) => d === day).length >= c.maxPerDay) continue;
        const weekOf = isoWeek(day);
        if (
          c.maxPerWeek !== undefined &&
          countedDays.filter((d) => isoWeek(d) === weekOf).length >= c.maxPerWeek
        )
          continue;
        out.push({ practitionerId: c.practitionerId, start, end: start + duration });
      }
    }
  }
  out.sort((a, b) => a.start - b.start || (a.practitionerId < b.practitionerId ? -1 : 1));
  return out.slice(0, q.limit ?? 500);
}

describe('random cases against a direct reading of the rules', () => {
  it('finds exactly the reference’s slots, in its order, for any limit', () => {
    // Seeded, so a failure names a round that can be replayed.
    const random = seededRandom(20260308);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const zones = [
      'America/New_York',
      'Europe/Madrid',
      'Asia/Kolkata',
      'Australia/Sydney',
      'America/Los_Angeles',
    ];
    const hhmm = (minutes: number): string =>
      `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    for (let round = 0; round < 100; round++) {
      // Around the March changes, so some days are 23 hours long.
      const base = at('2026-03-01T00:00:00Z') + Math.floor(random() * 40) * DAY;
      const clinicians: ClinicianAvailability[] = [];
      const busy: BusyInterval[] = [];
      for (let k = 0; k < 4; k++) {
        const id = `c${k}`;
        const rules = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
          const start = Math.floor(random() * 40) * 30;
          return {
            rrule: `FREQ=WEEKLY;INTERVAL=${pick([1, 1, 2])};BYDAY=${pick(['MO,TU,WE,TH,FR', 'SA,SU', 'MO,WE,FR', 'TU,TH,SU'])}`,
            start: hhmm(start),
            end: hhmm(Math.min(1440, start + 60 + Math.floor(random() * 16) * 30)),
            validFrom: '2026-02-' + pick(['02', '10', '20']),
            ...(random() < 0.3 ? { serviceLines: [pick(['primary-care', 'behavioral-health'])] } : {}),
          };
        });
        const c = clinician(id, {
          timeZone: pick(zones),
          rules,
          overrides:
            random() < 0.5
              ? [
                  {
                    date: new Date(base + 2 * DAY).toISOString().slice(0, 10),
                    intervals: random() < 0.5 ? [] : [{ start: '10:00', end: '13:30' }],
                  },
                ]
              : [],
          timeOff:
            random() < 0.5
              ? [{ start: base + random() * 10 * DAY, end: base + random() * 10 * DAY + random() * DAY }]
              : [],
          languages: [pick(['en', 'es-US'])],
          ...(random() < 0.5 ? { maxPerDay: 1 + Math.floor(random() * 6) } : {}),
          ...(random() < 0.3 ? { maxPerWeek: 3 + Math.floor(random() * 15) } : {}),
        });
        clinicians.push(c);
        for (let b = 0; b < 40; b++) {
          const start = base - 2 * DAY + Math.floor(random() * 14 * 96) * 15 * MIN;
          const before = random() < 0.2 ? 10 * MIN : 0;
          busy.push({
            practitionerId: id,
            start: start - before,
            end: start + pick([15, 20, 30, 45, 90]) * MIN,
            counts: random() < 0.8,
            ...(before && random() < 0.5 ? { appointmentStart: start } : {}),
          });
        }
      }
      busy.sort(() => random() - 0.5);
      const vt: VisitType = {
        ...visit,
        durationMin: pick([15, 20, 30, 45]),
        bufferBeforeMin: pick([0, 5, 10]),
        bufferAfterMin: pick([0, 5, 15]),
        minNoticeMin: pick([0, 60, 24 * 60]),
        bookingWindowDays: pick([3, 7, 30]),
        ...(random() < 0.3 ? { slotStepMin: pick([10, 15]) } : {}),
      };
      const q: SlotQuery = {
        visitType: vt,
        now: base + Math.floor(random() * 48) * 30 * MIN,
        from: base + Math.floor(random() * 3 * 24) * 60 * MIN,
        to: base + Math.floor((2 + random() * 10) * 24) * 60 * MIN,
        ...(random() < 0.3 ? { language: 'es' } : {}),
        limit: 100_000,
      };
      const all = referenceSlots(q, clinicians, busy);
      assert.deepEqual(findSlots(q, clinicians, busy), all, `round ${round}`);
      for (const limit of [1, 7, 60]) {
        assert.deepEqual(
          findSlots({ ...q, limit }, clinicians, busy),
          all.slice(0, limit),
          `round ${round}, limit ${limit}`,
        );
      }
    }
  });
});

describe('a search of one instant (what booking checks)', () => {
  // Two rules whose grids differ: mornings from 09:00, afternoons from 13:30 (20-minute visits). The
  // afternoon's grid brought up to 09:00 the next day lands at 09:10: it must not end the search.
  const split = clinician('dr', {
    rules: [
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '12:30', validFrom: '2026-01-01' },
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '13:30', end: '17:00', validFrom: '2026-01-01' },
    ],
  });
  const tuesday = (hhmm: string): number => at(`2026-02-03T${hhmm}:00-05:00`);

  it('finds exactly that slot for every time the clinician offers, and nothing between', () => {
    const offered = findSlots(
      query({ from: tuesday('00:00'), to: tuesday('23:59'), limit: 1000 }),
      [split],
      [],
    );
    assert.equal(offered.length, 20);
    for (const slot of offered) {
      const one = findSlots(query({ from: slot.start, to: slot.start }), [split], []);
      assert.deepEqual(one, [slot], ny(slot.start));
    }
    for (const between of [tuesday('09:10'), tuesday('12:50'), tuesday('13:00'), tuesday('17:00')])
      assert.deepEqual(findSlots(query({ from: between, to: between }), [split], []), [], ny(between));
  });
});
