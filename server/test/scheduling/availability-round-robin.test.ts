import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assignFirstAvailable,
  firstAvailable,
  pickClinician,
  pruneRotationState,
  type RotationState,
  type WeightedCandidate,
} from '../../src/modules/scheduling/availability/index.js';
import type { Slot } from '../../src/modules/scheduling/availability/types.js';

const a = { practitionerId: 'a', weight: 1 };
const b = { practitionerId: 'b', weight: 2 };
const c = { practitionerId: 'c', weight: 3 };

/** Picks n times, the state stored as JSON between picks as the booking code stores it. */
function picks(
  n: number,
  eligibleAt: (i: number) => WeightedCandidate[],
  start: RotationState = {},
): { chosen: string[]; state: RotationState } {
  let state: RotationState = start;
  const chosen: string[] = [];
  for (let i = 0; i < n; i++) {
    const pick = pickClinician(state, eligibleAt(i));
    chosen.push(pick.chosen);
    state = JSON.parse(JSON.stringify(pick.state)) as RotationState;
  }
  return { chosen, state };
}
const tally = (chosen: string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const id of chosen) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
};

describe('weighted round-robin', () => {
  it('gives weights 1:2:3 exactly 100/200/300 of 600 picks, interleaved', () => {
    const { chosen } = picks(600, () => [a, b, c]);
    assert.deepEqual(tally(chosen), { a: 100, b: 200, c: 300 });
    for (let i = 0; i < 600; i += 6) assert.deepEqual(tally(chosen.slice(i, i + 6)), { a: 1, b: 2, c: 3 });
  });

  it('spreads a heavy weight out rather than in a run (5:1:1)', () => {
    const pool = [
      { practitionerId: 'a', weight: 5 },
      { practitionerId: 'b', weight: 1 },
      { practitionerId: 'c', weight: 1 },
    ];
    assert.equal(picks(7, () => pool).chosen.join(''), 'abaacaa');
  });

  it('keeps the others’ ratio when one is skipped every other pick', () => {
    const { chosen } = picks(600, (i) => (i % 2 === 0 ? [b, c] : [a, b, c]));
    let nb = 0;
    let nc = 0;
    for (const id of chosen) {
      if (id === 'a') continue;
      if (id === 'b') nb++;
      else nc++;
      assert.ok(Math.abs(nb / 2 - nc / 3) <= 1, `b:c stays 2:3 within one pick (${nb}:${nc})`);
    }
    assert.ok(chosen.includes('a'), 'a is picked when eligible');
  });

  it('lets a clinician skipped for a while come back without a burst', () => {
    const away = picks(300, (i) => (i < 60 ? [a, b, c] : [a, b]));
    assert.deepEqual(tally(away.chosen.slice(60)), { a: 80, b: 160 }, 'a:b is 1:2 while c is away');
    const back = picks(600, () => [a, b, c], away.state);
    // c's share of six picks is three; catching up one visit makes four at most.
    const firstSix = back.chosen.slice(0, 6).filter((id) => id === 'c').length;
    assert.ok(firstSix <= 4, `c picked ${firstSix} of the first 6 after coming back`);
    const counts = tally(back.chosen);
    assert.ok(
      Math.abs(counts.a! - 100) <= 1 && Math.abs(counts.b! - 200) <= 1 && Math.abs(counts.c! - 300) <= 1,
    );
  });

  it('round-trips through JSON: the stored state continues exactly where it was', () => {
    let live: RotationState = {};
    const direct: string[] = [];
    for (let i = 0; i < 200; i++) {
      const pick = pickClinician(live, i % 3 === 0 ? [b, c] : [a, b, c]);
      direct.push(pick.chosen);
      live = pick.state;
    }
    assert.deepEqual(picks(200, (i) => (i % 3 === 0 ? [b, c] : [a, b, c])).chosen, direct);
    const stored = JSON.parse(JSON.stringify(live)) as RotationState;
    assert.deepEqual(stored, live);
    assert.equal(pickClinician(stored, [a, b, c]).chosen, pickClinician(live, [a, b, c]).chosen);
  });

  it('is deterministic whatever the candidates’ order, and starts from {}, null or junk', () => {
    const forward = picks(60, () => [a, b, c]).chosen;
    assert.deepEqual(picks(60, () => [c, a, b]).chosen, forward);
    assert.deepEqual(picks(60, () => [a, b, c, b]).chosen, forward, 'a duplicate counts once');
    assert.equal(pickClinician(null, [a, b, c]).chosen, forward[0]);
    const junk = { pass: 'x', eligible: 3 } as unknown as RotationState;
    assert.equal(pickClinician(junk, [a, b, c]).chosen, forward[0]);
  });

  it('refuses to choose from nobody', () => {
    assert.throws(() => pickClinician({}, []), RangeError);
    assert.throws(() => pickClinician({}, [{ practitionerId: 'z', weight: 0 }]), RangeError);
    assert.equal(pickClinician({}, [{ practitionerId: 'z', weight: 0 }, b]).chosen, 'b');
  });

  it('keeps the stored numbers small under any eligibility, and forgets who left the pool', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const pool = [a, b, c, { practitionerId: 'd', weight: 7 }];
    const { state } = picks(5000, () => {
      const eligible = pool.filter(() => random() < 0.5);
      return eligible.length > 0 ? eligible : [a];
    });
    for (const value of Object.values(state.pass ?? {})) assert.ok(Math.abs(value) <= 2, `|${value}| ≤ 2`);
    const pruned = pruneRotationState(state, ['a', 'c']);
    assert.deepEqual(Object.keys(pruned.pass).sort(), ['a', 'c']);
    assert.ok(pruned.eligible.every((id) => id === 'a' || id === 'c'));
  });
});

describe('first available', () => {
  const slot = (practitionerId: string, minute: number): Slot => ({
    practitionerId,
    start: minute * 60_000,
    end: (minute + 20) * 60_000,
  });

  it('gives the earliest start and everyone free then', () => {
    assert.equal(firstAvailable([]), null);
    const slots = [slot('c', 40), slot('b', 20), slot('a', 20), slot('b', 20), slot('c', 20), slot('a', 0)];
    assert.deepEqual(firstAvailable(slots), { start: 0, practitionerIds: ['a'] });
    assert.deepEqual(firstAvailable(slots.slice(0, 5)), {
      start: 20 * 60_000,
      practitionerIds: ['a', 'b', 'c'],
    });
  });

  it('assigns the earliest slot by weight among those free then', () => {
    const weights = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 100],
    ]);
    const slots = [slot('a', 20), slot('b', 20), slot('c', 20), slot('d', 40)];
    let state: RotationState = {};
    const chosen: string[] = [];
    for (let i = 0; i < 60; i++) {
      const assigned = assignFirstAvailable(slots, weights, state)!;
      assert.equal(assigned.slot.start, 20 * 60_000);
      chosen.push(assigned.slot.practitionerId);
      state = assigned.state;
    }
    assert.deepEqual(tally(chosen), { a: 10, b: 20, c: 30 });
    assert.equal(assignFirstAvailable([], weights, state), null);
  });
});
