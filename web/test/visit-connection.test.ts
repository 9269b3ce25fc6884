import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { CLOSE } from '../../server/src/modules/visits/live/protocol.js';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffDelay,
  finalState,
  PING_EVERY_MS,
  PING_TIMEOUT_MS,
  VisitConnection,
  type ConnectionOptions,
  type ConnectionState,
  type SocketLike,
} from '../src/visits/connection.js';

/**
 * The visit socket's client state machine, on a fake WebSocket and Node's mock timers: hello with
 * the ticket, resume after a drop with the welcome's token after a jittered backoff, the close codes
 * that end it for good, the renewal of an expired resume, and a silent socket taken for dead.
 */

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    assert.equal(this.readyState, 1, 'sends only on an open socket');
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = {
      ...(code !== undefined ? { code } : {}),
      ...(reason !== undefined ? { reason } : {}),
    };
    this.readyState = 3;
  }

  // ---- the server's side ----
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(message: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const welcome = (resume: string) => ({
  t: 'welcome',
  resume,
  role: 'patient',
  participantId: 'patient',
  status: 'in-progress',
});

function harness(extra: Partial<ConnectionOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const states: { state: ConnectionState; reconnects: number; code?: number }[] = [];
  const messages: Record<string, unknown>[] = [];
  const conn = new VisitConnection({
    url: 'wss://openvisit.test/api/visits/live',
    ticket: 'join-ticket',
    pcState: () => 'existing',
    onMessage: (m) => messages.push(m as unknown as Record<string, unknown>),
    onState: (state, info) => states.push({ state, ...info }),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    random: () => 0.5,
    ...extra,
  });
  const last = () => {
    const s = sockets.at(-1);
    assert.ok(s, 'a socket was opened');
    return s;
  };
  return { conn, sockets, states, messages, last };
}

describe('the reconnect backoff', () => {
  it('is exponential with full jitter: uniform in [0, base·2^n), capped', () => {
    const top = () => 1 - Number.EPSILON;
    assert.equal(BACKOFF_BASE_MS, 250);
    assert.equal(BACKOFF_CAP_MS, 10_000);
    assert.equal(
      backoffDelay(0, () => 0),
      0,
      'can be immediate',
    );
    assert.equal(backoffDelay(0, top), 249);
    assert.equal(backoffDelay(1, top), 499);
    assert.equal(backoffDelay(3, top), 1_999);
    assert.equal(backoffDelay(5, top), 7_999);
    assert.equal(backoffDelay(6, top), 9_999, 'base·2^6 = 16 s, capped at 10 s');
    assert.equal(backoffDelay(60, top), 9_999);
    assert.equal(
      backoffDelay(3, () => 0.5),
      1_000,
      'the random draw scales the ceiling',
    );
    assert.equal(backoffDelay(-3, top), 249, 'a negative attempt counts as the first');
    for (let n = 0; n < 70; n++) assert.ok(Number.isInteger(backoffDelay(n, Math.random)));
  });

  it('spreads Math.random’s draws over the whole range (a fixed number of draws)', () => {
    const draws = Array.from({ length: 4_000 }, () => backoffDelay(3));
    assert.ok(
      draws.every((d) => d >= 0 && d < 2_000),
      'every draw in [0, 2000)',
    );
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    // Uniform on [0, 2000): mean 1000, standard error 577/√4000 ≈ 9 ms; 100 ms is > 10 of them.
    assert.ok(Math.abs(mean - 1_000) < 100, `mean ${mean}`);
    const quarters = [0, 0, 0, 0];
    for (const d of draws) quarters[Math.floor(d / 500)] = (quarters[Math.floor(d / 500)] ?? 0) + 1;
    for (const q of quarters) assert.ok(q > 800 && q < 1_200, `each quarter ≈ 1000: ${quarters.join(', ')}`);
    const capped = Array.from({ length: 1_000 }, () => backoffDelay(20));
    assert.ok(capped.every((d) => d >= 0 && d < BACKOFF_CAP_MS));
    assert.ok(Math.max(...capped) > 9_000, 'the cap is reached, not a lower ceiling');
  });
});

describe('the close codes', () => {
  it('end the connection for good only when the visit is over, the caller refused or replaced', () => {
    assert.equal(finalState(CLOSE.visitOver), 'over');
    assert.equal(finalState(CLOSE.unauthenticated), 'refused');
    assert.equal(finalState(CLOSE.forbidden), 'refused');
    assert.equal(finalState(CLOSE.replaced), 'replaced');
    for (const code of [1000, 1001, 1006, 1011, 4000, CLOSE.tooFast])
      assert.equal(finalState(code), null, `${code} is a drop`);
  });
});

describe('the visit connection', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('says hello with the ticket, is open on welcome, and hands on every message but pongs', () => {
    const h = harness();
    assert.equal(h.conn.current, 'connecting');
    assert.equal(h.last().url, 'wss://openvisit.test/api/visits/live');
    assert.equal(h.conn.send({ t: 'chat', text: 'early' }), false, 'nothing before the socket opens');
    h.last().open();
    assert.deepEqual(h.last().sent, [{ t: 'hello', ticket: 'join-ticket', pc: 'existing' }]);
    assert.equal(h.conn.send({ t: 'chat', text: 'early' }), false, 'nothing before the welcome');
    h.last().receive(welcome('resume-1'));
    assert.equal(h.conn.current, 'open');
    assert.deepEqual(h.states.at(-1), { state: 'open', reconnects: 0 });
    h.last().receive({ t: 'pong', id: 1 });
    h.last().receive({ t: 'wait', position: 1, etaMinutes: 3 });
    h.last().onmessage?.({ data: 'not json' });
    h.last().onmessage?.({ data: new ArrayBuffer(2) });
    assert.deepEqual(
      h.messages.map((m) => m.t),
      ['welcome', 'wait'],
    );
    assert.equal(h.conn.send({ t: 'chat', text: 'hi' }), true);
    assert.deepEqual(h.last().sent.at(-1), { t: 'chat', text: 'hi' });
    h.conn.close();
  });

  it('resumes a dropped socket with the welcome’s token after the backoff, and counts the drop', () => {
    const h = harness();
    h.last().open();
    h.last().receive(welcome('resume-1'));
    h.last().drop(1006);
    assert.equal(h.conn.current, 'reconnecting');
    assert.deepEqual(h.states.at(-1), { state: 'reconnecting', reconnects: 1, code: 1006 });
    assert.equal(h.conn.send({ t: 'chat', text: 'lost' }), false, 'nothing while reconnecting');
    // random 0.5 on the first attempt: 125 ms.
    mock.timers.tick(124);
    assert.equal(h.sockets.length, 1, 'not before the backoff');
    mock.timers.tick(1);
    assert.equal(h.sockets.length, 2);
    h.last().open();
    assert.deepEqual(
      h.last().sent[0],
      { t: 'hello', ticket: 'resume-1', pc: 'existing' },
      'the resume token',
    );
    h.last().receive(welcome('resume-2'));
    assert.equal(h.conn.current, 'open');
    assert.equal(h.states.at(-1)?.reconnects, 1);
    h.conn.close();
  });

  it('backs off longer on each failed attempt, and starts over after a welcome', () => {
    const h = harness();
    h.last().open();
    h.last().receive(welcome('resume-1'));
    const waits: number[] = [];
    const waitForNext = () => {
      const before = h.sockets.length;
      let waited = 0;
      while (h.sockets.length === before) {
        assert.ok(waited < 60_000, 'a new socket within a minute');
        mock.timers.tick(1);
        waited++;
      }
      waits.push(waited);
    };
    h.last().drop(1006);
    waitForNext(); // attempt 0
    h.last().drop(1006); // refused before it opened
    waitForNext(); // attempt 1
    h.last().drop(1011);
    waitForNext(); // attempt 2
    assert.deepEqual(waits, [125, 250, 500]);
    h.last().open();
    h.last().receive(welcome('resume-2'));
    h.last().drop(1006);
    waitForNext();
    assert.equal(waits.at(-1), 125, 'a welcome resets the backoff');
    assert.equal(h.states.filter((s) => s.state === 'reconnecting').length, 4);
    assert.equal(h.states.at(-1)?.reconnects, 4);
    h.conn.close();
  });

  it('stops for good when the visit is over, the caller is refused or replaced', () => {
    for (const [code, state] of [
      [CLOSE.visitOver, 'over'],
      [CLOSE.forbidden, 'refused'],
      [CLOSE.unauthenticated, 'refused'],
      [CLOSE.replaced, 'replaced'],
    ] as const) {
      const h = harness();
      h.last().open();
      h.last().receive(welcome('resume-1'));
      h.last().drop(code);
      assert.deepEqual(h.states.at(-1), { state, reconnects: 0, code }, `close ${code}`);
      mock.timers.tick(BACKOFF_CAP_MS * 3 + PING_TIMEOUT_MS);
      assert.equal(h.sockets.length, 1, `no new socket after ${code}`);
      assert.equal(h.conn.current, state);
    }
  });

  it('renews an expired resume once with a fresh ticket, and gives up when that fails', async () => {
    let renewals = 0;
    const h = harness({
      renewTicket: () => {
        renewals++;
        return renewals === 1 ? Promise.resolve('join-ticket-2') : Promise.reject(new Error('403'));
      },
    });
    h.last().open();
    h.last().receive(welcome('resume-1'));
    h.last().drop(CLOSE.unauthenticated);
    assert.deepEqual(h.states.at(-1), { state: 'reconnecting', reconnects: 0, code: CLOSE.unauthenticated });
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(h.sockets.length, 2, 'a new socket right after the renewal');
    h.last().open();
    assert.deepEqual(
      h.last().sent[0],
      { t: 'hello', ticket: 'join-ticket-2', pc: 'existing' },
      'the new ticket',
    );
    // A second refusal within the bound is final, without asking again.
    h.last().drop(CLOSE.unauthenticated);
    assert.equal(h.conn.current, 'refused');
    assert.equal(renewals, 1);
    // Later, a drop may renew again; a failed renewal is final.
    mock.timers.tick(BACKOFF_CAP_MS);
    const h2 = harness({ renewTicket: () => Promise.reject(new Error('403')) });
    h2.last().open();
    h2.last().drop(CLOSE.unauthenticated);
    assert.equal(h2.conn.current, 'reconnecting');
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.equal(h2.conn.current, 'refused');
    assert.equal(h2.sockets.length, 1);
    mock.timers.tick(BACKOFF_CAP_MS);
  });

  it('pings while open, and takes a socket silent for the timeout for dead', () => {
    const h = harness();
    const first = h.last();
    first.open();
    first.receive(welcome('resume-1'));
    mock.timers.tick(PING_EVERY_MS);
    assert.deepEqual(first.sent.at(-1), { t: 'ping', id: 1 });
    first.receive({ t: 'pong', id: 1 }); // heard at 10 s
    mock.timers.tick(PING_EVERY_MS * 3); // 40 s: last heard 30 s ago
    assert.equal(h.conn.current, 'reconnecting');
    assert.equal(h.states.at(-1)?.code, 1006);
    assert.deepEqual(first.closedWith, { code: 4000, reason: 'dropped' }, 'the dead socket is closed');
    assert.equal(first.onmessage, null, 'and no longer heard');
    mock.timers.tick(125);
    assert.equal(h.sockets.length, 2);
    h.conn.close();
  });

  it('closes for good when left: code 1000, no reconnect on a late close event', () => {
    const h = harness();
    const s = h.last();
    s.open();
    s.receive(welcome('resume-1'));
    h.conn.close();
    assert.deepEqual(s.closedWith, { code: 1000, reason: 'left' });
    assert.equal(h.conn.current, 'closed');
    s.drop(1006);
    mock.timers.tick(BACKOFF_CAP_MS);
    assert.equal(h.sockets.length, 1);
    assert.equal(h.conn.send({ t: 'chat', text: 'gone' }), false);
  });

  it('treats a socket that cannot even be created as a drop', () => {
    let calls = 0;
    const h = harness({
      createSocket: (url) => {
        calls++;
        if (calls === 1) throw new Error('SyntaxError: bad URL');
        return new FakeSocket(url);
      },
    });
    assert.deepEqual(h.states.at(-1), { state: 'reconnecting', reconnects: 1, code: 1006 });
    mock.timers.tick(125);
    assert.equal(calls, 2);
    h.conn.close();
  });
});
