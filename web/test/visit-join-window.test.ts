import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_IN_CLOSES_MIN, CHECK_IN_OPENS_MIN, joinWindow } from '../src/visits/join-window.js';

/** When the app offers to join a booked video visit (the server decides; this only mirrors it). */

const MIN = 60_000;
const start = Date.parse('2026-03-10T15:00:00Z');
const appt = { start: '2026-03-10T15:00:00Z', end: '2026-03-10T15:20:00Z', status: 'booked' };

describe('the join window of a booked video visit', () => {
  it('mirrors the server’s check-in window: 15 minutes before to 30 after the start', () => {
    assert.equal(CHECK_IN_OPENS_MIN, 15);
    assert.equal(CHECK_IN_CLOSES_MIN, 30);
  });

  it('is early until check-in opens, and says when that is', () => {
    const opensAt = start - 15 * MIN;
    assert.deepEqual(joinWindow(appt, opensAt - 1), { phase: 'early', opensAt });
    assert.deepEqual(joinWindow(appt, start - 24 * 60 * MIN), { phase: 'early', opensAt });
  });

  it('is open from 15 minutes before the start to 30 minutes after it (bounds included)', () => {
    assert.equal(joinWindow(appt, start - 15 * MIN)?.phase, 'open');
    assert.equal(joinWindow(appt, start)?.phase, 'open');
    assert.equal(joinWindow(appt, start + 30 * MIN)?.phase, 'open');
    assert.equal(joinWindow(appt, start + 30 * MIN + 1)?.phase, 'over');
  });

  it('stays open to the end of a visit longer than the check-in window', () => {
    const long = { ...appt, end: '2026-03-10T16:00:00Z' };
    assert.equal(joinWindow(long, start + 59 * MIN)?.phase, 'open');
    assert.equal(joinWindow(long, start + 60 * MIN + 1)?.phase, 'over');
  });

  it('keeps a checked-in visit reachable for two hours after its booked end (it may run late)', () => {
    const end = start + 20 * MIN;
    for (const status of ['checked-in', 'arrived']) {
      const a = { ...appt, status };
      assert.equal(joinWindow(a, start + 31 * MIN)?.phase, 'open', status);
      assert.equal(joinWindow(a, end + 120 * MIN)?.phase, 'open', status);
      assert.equal(joinWindow(a, end + 120 * MIN + 1)?.phase, 'over', status);
    }
  });

  it('takes the start as the end when there is none', () => {
    const noEnd = { start: appt.start, status: 'booked' };
    assert.equal(joinWindow(noEnd, start + 30 * MIN)?.phase, 'open');
    assert.equal(joinWindow(noEnd, start + 31 * MIN)?.phase, 'over');
    const checkedIn = { start: appt.start, status: 'checked-in' };
    assert.equal(joinWindow(checkedIn, start + 120 * MIN)?.phase, 'open');
    assert.equal(joinWindow(checkedIn, start + 121 * MIN)?.phase, 'over');
  });

  it('is null without a usable start (nothing to join)', () => {
    assert.equal(joinWindow({ status: 'booked' }, start), null);
    assert.equal(joinWindow({ start: 'not a date' }, start), null);
    assert.equal(joinWindow({ start: '' }, start), null);
  });
});
