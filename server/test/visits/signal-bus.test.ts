import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import {
  InProcessSignalBus,
  NatsSignalBus,
  SequenceTracker,
  signalBusFromEnv,
  visitSubject,
  type SignalBus,
  type SignalMessage,
  type VisitRef,
} from '../../src/modules/visits/signaling/index.js';
import { decodeSignal, encodeSignal } from '../../src/modules/visits/signaling/envelope.js';
import { parseNatsUrl } from '../../src/modules/visits/signaling/nats-url.js';
import { ReconnectBackoff } from '../../src/modules/visits/signaling/reconnect-backoff.js';
import { Sequencer } from '../../src/modules/visits/signaling/sequencer.js';
import { freePort } from '../../src/platform/net/free-port.js';
import { collect, collectingLogger, waitFor } from './signal-bus-helpers.js';
import { NatsServer, natsServerBinary } from './signal-bus-nats-server.js';

// Bodies carry this marker so the log checks can prove no body reached a log line.
const SECRET = 'v=0-sdp-with-candidate-10.1.2.3';

const INVALID_VISIT_IDS = ['a.b', 'a*', '>', '', 'a b', 'x'.repeat(65), 'é', 'v\n1'];
const INVALID_TENANTS: VisitRef['tenantId'][] = ['1.>', '*', -1, 1.5, Number.NaN];

function assertInvalidIdsRefused(bus: SignalBus): void {
  for (const visitId of INVALID_VISIT_IDS) {
    assert.throws(() => bus.publish({ tenantId: 1, visitId }, { SECRET }), TypeError);
    assert.throws(() => bus.subscribe({ tenantId: 1, visitId }, () => {}), TypeError);
  }
  for (const tenantId of INVALID_TENANTS) {
    assert.throws(() => bus.publish({ tenantId, visitId: 'v' }, { SECRET }), TypeError);
    assert.throws(() => bus.subscribe({ tenantId, visitId: 'v' }, () => {}), TypeError);
  }
}

describe('signaling bus building blocks', () => {
  test('a visit is one subject per tenant and visit; anything that could escape it is refused', () => {
    assert.equal(visitSubject({ tenantId: 7, visitId: '0190a1b2-c3d4_e5' }), 'ov.signal.7.0190a1b2-c3d4_e5');
    assert.equal(visitSubject({ tenantId: 'acme', visitId: 'v1' }), 'ov.signal.acme.v1');
    for (const visitId of INVALID_VISIT_IDS) {
      assert.throws(() => visitSubject({ tenantId: 1, visitId }), /visitId must be/);
    }
    for (const tenantId of INVALID_TENANTS)
      assert.throws(() => visitSubject({ tenantId, visitId: 'v' }), /tenantId/);
    // The error names the rule, not the value.
    assert.throws(
      () => visitSubject({ tenantId: 1, visitId: 'secret.value' }),
      (err: Error) => !err.message.includes('secret'),
    );
  });

  test('envelopes: bodies must be small JSON objects; malformed frames decode to nothing', () => {
    const ok = encodeSignal({ origin: 'n1', seq: 3, body: { type: 'offer', sdp: SECRET } }, 1024);
    assert.deepEqual(decodeSignal(ok), { origin: 'n1', seq: 3, body: { type: 'offer', sdp: SECRET } });
    assert.ok(Object.isFrozen(decodeSignal(ok)?.body));
    assert.throws(
      () => encodeSignal({ origin: 'n1', seq: 1, body: { sdp: 'x'.repeat(2000) } }, 1024),
      RangeError,
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => encodeSignal({ origin: 'n1', seq: 1, body: cycle }, 1024), TypeError);
    assert.throws(() => encodeSignal({ origin: 'n1', seq: 1, body: { big: 1n } }, 1024), TypeError);
    assert.throws(() => encodeSignal({ origin: 'n1', seq: 1, body: [] as never }, 1024), TypeError);
    assert.throws(() => encodeSignal({ origin: 'n1', seq: 1, body: { toJSON: () => 'x' } }, 1024), TypeError);
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    for (const bad of [
      { origin: 'n.1', seq: 1, body: {} },
      { origin: 'n1', seq: 0, body: {} },
      { origin: 'n1', seq: 1.5, body: {} },
      { origin: 'n1', seq: 1, body: 'text' },
      { origin: 'n1', seq: 1 },
      [1, 2],
    ]) {
      assert.equal(decodeSignal(enc(bad)), undefined);
    }
    assert.equal(decodeSignal(new Uint8Array([0xff, 0xfe])), undefined);
  });

  test('sequences: per visit from 1; a refused message spends no number; the least recently used is evicted', () => {
    const s = new Sequencer(2);
    assert.equal(s.peek('a'), 1);
    assert.equal(s.peek('a'), 1);
    assert.equal(s.commit('a'), 1);
    assert.equal(s.commit('a'), 2);
    assert.equal(s.commit('b'), 1);
    assert.equal(s.commit('a'), 3); // a is now the most recently used
    assert.equal(s.commit('c'), 1); // evicts b, the least recently used
    assert.equal(s.size, 2);
    assert.equal(s.commit('a'), 4);
    assert.equal(s.commit('b'), 1); // starts again (receivers see a restart); evicts c
    assert.equal(s.peek('c'), 1);
    // Larger: a visit used within the last generation (maxVisits / 2 new visits) keeps its count.
    const big = new Sequencer(10);
    big.commit('kept');
    for (let i = 0; i < 4; i++) big.commit(`v${i}`);
    assert.equal(big.commit('kept'), 2);
    for (let i = 4; i < 20; i++) big.commit(`v${i}`);
    assert.ok(big.size <= 10);
    assert.equal(big.commit('kept'), 1, 'forgotten after two generations without a message');
  });

  test('receivers see in-order runs, gaps with their size, and restarts, per origin', () => {
    const t = new SequenceTracker();
    assert.deepEqual(t.observe({ origin: 'a', seq: 41 }), { kind: 'first' });
    assert.deepEqual(t.observe({ origin: 'a', seq: 42 }), { kind: 'in-order' });
    assert.deepEqual(t.observe({ origin: 'b', seq: 1 }), { kind: 'first' });
    assert.deepEqual(t.observe({ origin: 'a', seq: 45 }), { kind: 'gap', missed: 2 });
    assert.deepEqual(t.observe({ origin: 'a', seq: 1 }), { kind: 'restart' });
    assert.deepEqual(t.observe({ origin: 'b', seq: 2 }), { kind: 'in-order' });
    t.forget('b');
    assert.deepEqual(t.observe({ origin: 'b', seq: 9 }), { kind: 'first' });
  });

  test('reconnect waits double up to a ceiling, jittered within [half, all], and start over once connected', () => {
    let r = 0;
    const backoff = new ReconnectBackoff({ baseMs: 100, maxMs: 1_000 }, () => r);
    const ceilings: number[] = [];
    for (let i = 0; i < 6; i++) {
      r = 0;
      const low = backoff.delayMs();
      assert.equal(backoff.delayMs(), low, 'one draw per attempt');
      backoff.attempted();
      ceilings.push(low * 2);
    }
    assert.deepEqual(ceilings, [100, 200, 400, 800, 1000, 1000]);
    r = 0.999;
    assert.ok(backoff.delayMs() <= 1_000 && backoff.delayMs() > 990);
    backoff.reset();
    r = 0;
    assert.equal(backoff.delayMs(), 50);
  });

  test('NATS_URL: server lists, credentials out of the URL, tls:// requires TLS, bad values not echoed', () => {
    assert.deepEqual(parseNatsUrl('nats://127.0.0.1:4222'), { servers: ['127.0.0.1:4222'], tls: false });
    assert.deepEqual(parseNatsUrl('nats://a:4222, nats://b'), { servers: ['a:4222', 'b:4222'], tls: false });
    assert.deepEqual(parseNatsUrl('tls://u:p%40ss@nats.example:4443'), {
      servers: ['nats.example:4443'],
      user: 'u',
      pass: 'p@ss',
      tls: true,
    });
    assert.deepEqual(parseNatsUrl('nats://s3cr3t@h'), { servers: ['h:4222'], token: 's3cr3t', tls: false });
    assert.throws(() => parseNatsUrl(' , '), /no server/);
    assert.throws(
      () => parseNatsUrl('http://user:hunter2@h'),
      (err: Error) => /nats:\/\/ or tls:\/\//.test(err.message) && !err.message.includes('hunter2'),
    );
  });
});

describe('InProcessSignalBus', () => {
  const visit = { tenantId: 1, visitId: 'visit-1' };

  test('delivers on a later turn, stamped with origin and sequence, in publish order', async () => {
    const bus = new InProcessSignalBus({ nodeId: 'solo' });
    const got = collect(bus, visit);
    const sent: SignalMessage[] = [];
    for (let n = 0; n < 50; n++) sent.push(bus.publish(visit, { n, sdp: SECRET }));
    assert.equal(got.messages.length, 0, 'nothing is delivered during publish');
    await waitFor('50 messages', () => got.messages.length === 50);
    assert.deepEqual(
      got.messages.map((m) => [m.origin, m.seq, m.body.n]),
      sent.map((_m, i) => ['solo', i + 1, i]),
    );
    await bus.close();
  });

  test('visits and tenants are separate; every subscriber gets its own frozen copy', async () => {
    const bus = new InProcessSignalBus();
    const a1 = collect(bus, { tenantId: 1, visitId: 'v' });
    const a2 = collect(bus, { tenantId: 1, visitId: 'v' });
    const t2 = collect(bus, { tenantId: 2, visitId: 'v' });
    const other = collect(bus, { tenantId: 1, visitId: 'w' });
    const body = { list: [1, 2], sdp: SECRET };
    bus.publish({ tenantId: 1, visitId: 'v' }, body);
    body.list.push(3); // the publisher's later change is not seen by receivers
    bus.publish({ tenantId: 2, visitId: 'v' }, { n: 't2' });
    await waitFor(
      'deliveries',
      () => a1.messages.length === 1 && a2.messages.length === 1 && t2.messages.length === 1,
    );
    assert.deepEqual(a1.messages[0]?.body, { list: [1, 2], sdp: SECRET });
    assert.deepEqual(t2.messages[0]?.body, { n: 't2' });
    assert.equal(other.messages.length, 0);
    assert.throws(() => {
      (a1.messages[0]?.body.list as number[]).push(4);
    }, TypeError);
    await bus.close();
  });

  test('what a receiver gets is what the wire form would give, flat bodies included', async () => {
    const bus = new InProcessSignalBus({ maxMessageBytes: 2048 });
    const got = collect(bus, visit);
    const sym = Symbol('local');
    const bodies: Record<string, unknown>[] = [
      { k: 'signal', from: 'p-1', data: '{"sdp":"v=0"}' }, // flat: copied without the round trip
      { zero: -0, yes: true, none: null, n: 1.5 }, // flat: -0 goes over the wire as 0
      { nan: Number.NaN, gone: undefined, kept: 'x' }, // not flat: NaN becomes null, undefined is dropped
      { [sym]: 'dropped', s: 'kept' },
      { big: 'é'.repeat(500) }, // within the limit only once measured in bytes
      JSON.parse('{"__proto__":"x","k":1}') as Record<string, unknown>, // an own property, not the prototype
    ];
    for (const b of bodies) bus.publish(visit, b);
    assert.throws(() => bus.publish(visit, { big: 'é'.repeat(1100) }), RangeError);
    await waitFor('deliveries', () => got.messages.length === bodies.length);
    bodies.forEach((b, i) => {
      const body = got.messages[i]?.body;
      assert.deepEqual(body, JSON.parse(JSON.stringify(b)));
      assert.ok(body !== b && Object.isFrozen(body));
    });
    assert.ok(Object.is(got.messages[1]?.body.zero, 0));
    assert.ok(Object.hasOwn(got.messages[5]?.body ?? {}, '__proto__'));
    await bus.close();
  });

  test('unsubscribe stops delivery, even of a message already published', async () => {
    const bus = new InProcessSignalBus();
    const gone = collect(bus, visit);
    const stays = collect(bus, visit);
    bus.publish(visit, { n: 1 });
    gone.stop();
    gone.stop(); // twice is harmless
    bus.publish(visit, { n: 2 });
    await waitFor('two messages', () => stays.messages.length === 2);
    assert.equal(gone.messages.length, 0);
    stays.stop();
    assert.equal(bus.status().visits, 0);
    await bus.close();
  });

  test('a failing handler is counted and logged without the body; the others still get the message', async () => {
    const logger = collectingLogger();
    const bus = new InProcessSignalBus({ logger });
    bus.subscribe(visit, () => {
      throw new Error(`cannot handle ${SECRET}`);
    });
    bus.subscribe(visit, async () => {
      throw new Error(`async ${SECRET}`);
    });
    const ok = collect(bus, visit);
    bus.publish(visit, { sdp: SECRET });
    await waitFor(
      'delivery and two failures',
      () => ok.messages.length === 1 && bus.status().handlerErrors === 2,
    );
    assert.equal(logger.lines.length, 2);
    for (const line of logger.lines) assert.ok(!line.includes(SECRET) && !line.includes('visit-1'), line);
    await bus.close();
  });

  test('invalid ids, oversize and non-JSON bodies are refused and spend no sequence number', async () => {
    const bus = new InProcessSignalBus({ maxMessageBytes: 512 });
    assertInvalidIdsRefused(bus);
    assert.throws(() => new InProcessSignalBus({ nodeId: 'node.1' }), TypeError);
    const got = collect(bus, visit);
    assert.equal(bus.publish(visit, { n: 1 }).seq, 1);
    assert.throws(() => bus.publish(visit, { sdp: 'x'.repeat(600) }), RangeError);
    assert.throws(() => bus.publish(visit, { n: 2n }), TypeError);
    assert.equal(bus.publish(visit, { n: 2 }).seq, 2);
    await waitFor('two messages', () => got.messages.length === 2);
    await bus.close();
  });

  test('close delivers what was published, then refuses to publish or subscribe', async () => {
    const bus = new InProcessSignalBus();
    const got = collect(bus, visit);
    bus.publish(visit, { n: 1 });
    await bus.close();
    assert.equal(got.messages.length, 1);
    assert.equal(bus.connected, false);
    assert.throws(() => bus.publish(visit, {}), /closed/);
    assert.throws(() => bus.subscribe(visit, () => {}), /closed/);
    await bus.close(); // twice is harmless
  });

  test('signalBusFromEnv is in-process without NATS_URL', async () => {
    for (const env of [{}, { NATS_URL: '' }, { NATS_URL: '  ' }]) {
      const bus = await signalBusFromEnv(env);
      assert.ok(bus instanceof InProcessSignalBus);
      assert.equal(bus.status().transport, 'in-process');
      await bus.close();
    }
  });
});

// A named failure, not a skip, when the package is missing: the suite below cannot start without it.
test('Debian nats-server is installed (apt-get install -y nats-server)', () => {
  assert.match(natsServerBinary(), /nats-server$/);
});

describe('NatsSignalBus between two nodes through nats-server', () => {
  let server: NatsServer;
  let a: NatsSignalBus;
  let b: NatsSignalBus;
  let raw: NatsConnection;
  const logger = collectingLogger();
  const fast = { backoff: { baseMs: 20, maxMs: 200 }, drainTimeoutMs: 2_000 };
  let visitCounter = 0;
  const freshVisit = (): VisitRef => ({ tenantId: 1, visitId: `visit-${++visitCounter}` });

  before(async () => {
    server = await NatsServer.start();
    a = await NatsSignalBus.connect({ servers: [server.url], nodeId: 'node-a', logger, ...fast });
    b = await NatsSignalBus.connect({ servers: [server.url], nodeId: 'node-b', logger, ...fast });
    raw = await connect({ servers: [server.url] });
  });

  after(async () => {
    await Promise.allSettled([a?.close(), b?.close(), raw?.close()]);
    await server?.dispose();
  });

  test('a message published on one node reaches the other, in publish order, stamped by its origin', async () => {
    const visit = freshVisit();
    const got = collect(a, visit);
    await a.flush();
    for (let n = 0; n < 200; n++) b.publish(visit, { n, sdp: SECRET });
    await waitFor('200 messages on node A', () => got.messages.length === 200);
    assert.deepEqual(
      got.messages.map((m) => [m.origin, m.seq, m.body.n]),
      Array.from({ length: 200 }, (_v, i) => ['node-b', i + 1, i]),
    );
    got.stop();
  });

  test("with both nodes publishing, each sees every message once and each publisher's order holds", async () => {
    const visit = freshVisit();
    const onA = collect(a, visit);
    const onB = collect(b, visit);
    await Promise.all([a.flush(), b.flush()]);
    for (let n = 0; n < 100; n++) {
      a.publish(visit, { n });
      b.publish(visit, { n });
    }
    await waitFor(
      '200 messages on each node',
      () => onA.messages.length === 200 && onB.messages.length === 200,
    );
    for (const got of [onA, onB]) {
      for (const origin of ['node-a', 'node-b']) {
        const mine = got.messages.filter((m) => m.origin === origin);
        assert.deepEqual(
          mine.map((m) => [m.seq, m.body.n]),
          Array.from({ length: 100 }, (_v, i) => [i + 1, i]),
        );
      }
      const tracker = new SequenceTracker();
      assert.ok(got.messages.every((m) => ['first', 'in-order'].includes(tracker.observe(m).kind)));
    }
    onA.stop();
    onB.stop();
  });

  test('a node gets its own messages once, locally, never echoed back; foreign frames are dropped', async () => {
    const visit = freshVisit();
    const onA = collect(a, visit);
    const onB = collect(b, visit);
    await Promise.all([a.flush(), b.flush()]);
    const malformedBefore = a.status().malformed;
    for (let n = 0; n < 50; n++) a.publish(visit, { n });
    // Someone else replays a message with A's origin, and sends garbage, on the visit's subject.
    raw.publish(
      visitSubject(visit),
      encodeSignal({ origin: 'node-a', seq: 999, body: { replay: true } }, 1024),
    );
    raw.publish(visitSubject(visit), new TextEncoder().encode('not json'));
    await raw.flush();
    await waitFor('B has A’s 50 and the replay', () => onB.messages.length === 51);
    // B answers; NATS delivers to A in the order it received, so any echo of A's 50 would come first.
    b.publish(visit, { fence: true });
    await waitFor('A has the fence', () => onA.messages.some((m) => m.body.fence === true));
    assert.deepEqual(
      onA.messages.map((m) => [m.origin, m.seq]),
      [...Array.from({ length: 50 }, (_v, i) => ['node-a', i + 1]), ['node-b', 1]],
    );
    assert.equal(a.status().malformed, malformedBefore + 1);
    onA.stop();
    onB.stop();
  });

  test('unsubscribing stops delivery; the last one for a visit ends the NATS subscription', async () => {
    const visit = freshVisit();
    const fenceVisit = freshVisit();
    const first = collect(a, visit);
    const second = collect(a, visit);
    const fence = collect(a, fenceVisit);
    await a.flush();
    const visitsBefore = a.status().visits;
    first.stop();
    b.publish(visit, { n: 1 });
    await waitFor('second handler has n=1', () => second.messages.length === 1);
    assert.equal(first.messages.length, 0);

    second.stop();
    second.stop();
    assert.equal(a.status().visits, visitsBefore - 1);
    await a.flush(); // the UNSUB has reached the server
    b.publish(visit, { n: 2 });
    b.publish(fenceVisit, { fence: true }); // same connection to A: would arrive after n=2
    await waitFor('the fence', () => fence.messages.length === 1);
    assert.deepEqual(
      second.messages.map((m) => m.body.n),
      [1],
    );
    // Subscribing again gets each message once: the ended NATS subscription is not still feeding it.
    const again = collect(a, visit);
    await a.flush();
    b.publish(visit, { n: 3 });
    b.publish(fenceVisit, { fence: true });
    await waitFor('the second fence', () => fence.messages.length === 2);
    assert.deepEqual(
      again.messages.map((m) => m.body.n),
      [3],
    );
    again.stop();
    fence.stop();
  });

  test('tenants are separate subjects; invalid ids are refused and publish nothing', async () => {
    const wildcard: Uint8Array[] = [];
    const sub = raw.subscribe('ov.signal.>', { callback: (_err, msg) => wildcard.push(msg.data) });
    await raw.flush();
    const t1 = collect(a, { tenantId: 1, visitId: 'shared' });
    const t2 = collect(a, { tenantId: 2, visitId: 'shared' });
    await a.flush();
    assertInvalidIdsRefused(b);
    assert.throws(
      () => b.publish({ tenantId: 1, visitId: 'shared' }, { sdp: 'x'.repeat(70_000) }),
      RangeError,
    );
    b.publish({ tenantId: 2, visitId: 'shared' }, { to: 2 });
    b.publish({ tenantId: 1, visitId: 'shared' }, { to: 1 });
    await waitFor('one message per tenant', () => t1.messages.length === 1 && t2.messages.length === 1);
    assert.equal(t1.messages[0]?.body.to, 1);
    assert.equal(t2.messages[0]?.body.to, 2);
    await waitFor('the wildcard saw both', () => wildcard.length === 2);
    assert.equal(wildcard.length, 2, 'nothing from the refused calls reached NATS');
    sub.unsubscribe();
    t1.stop();
    t2.stop();
  });

  test('after nats-server restarts on the same port, both nodes reconnect and deliver again', async () => {
    const visit = freshVisit();
    const got: SignalMessage[] = [];
    const checks: string[] = [];
    const tracker = new SequenceTracker();
    const stop = a.subscribe(visit, (m) => {
      got.push(m);
      checks.push(tracker.observe(m).kind);
    });
    await a.flush();
    b.publish(visit, { phase: 'before' });
    await waitFor('the first message', () => got.length === 1);
    const reconnectsBefore = [a.status().reconnects, b.status().reconnects];

    await server.stop();
    await waitFor('both nodes to notice', () => !a.connected && !b.connected);
    assert.doesNotThrow(() => b.publish(visit, { phase: 'during' }));
    assert.ok(b.status().unsent >= 1);

    await server.run();
    await waitFor('both nodes to reconnect', () => a.connected && b.connected);
    assert.ok(a.status().reconnects > (reconnectsBefore[0] ?? 0));
    assert.ok(b.status().reconnects > (reconnectsBefore[1] ?? 0));
    // A's subscription is renewed as it reconnects; probe until a message gets through.
    let probes = 0;
    await waitFor(
      'a probe through the new server',
      () => {
        if (got.some((m) => m.body.phase === 'probe')) return true;
        b.publish(visit, { phase: 'probe', probe: ++probes });
        return false;
      },
      200,
    );
    const afterProbe = got.length;
    for (let n = 0; n < 20; n++) b.publish(visit, { phase: 'after', n });
    await waitFor('20 more messages', () => got.length === afterProbe + 20);
    assert.deepEqual(
      got.slice(afterProbe).map((m) => m.body.n),
      Array.from({ length: 20 }, (_v, i) => i),
    );
    assert.equal(got[0]?.body.phase, 'before');
    assert.ok(!got.some((m) => m.body.phase === 'during'), 'a message sent while down is not replayed');
    assert.ok(
      got.every((m, i) => i === 0 || m.seq > (got[i - 1]?.seq ?? 0)),
      'B keeps counting across the outage',
    );
    assert.ok(checks.includes('gap'), 'the receiver sees the gap the outage left');
    stop();
  });

  test('signalBusFromEnv connects to NATS_URL, and refuses to start when it is unreachable', async () => {
    const bus = await signalBusFromEnv({ NATS_URL: server.url }, { nodeId: 'node-c', logger });
    assert.ok(bus instanceof NatsSignalBus);
    assert.deepEqual(
      { transport: bus.status().transport, connected: bus.connected },
      { transport: 'nats', connected: true },
    );
    await bus.close();
    assert.equal(bus.connected, false);
    const nobody = await freePort();
    await assert.rejects(
      signalBusFromEnv({ NATS_URL: `nats://127.0.0.1:${nobody}` }, { nats: { connectTimeoutMs: 2_000 } }),
    );
  });

  test('close drains: messages published just before it arrive, then the node refuses more', async () => {
    const visit = freshVisit();
    const got = collect(a, visit);
    await a.flush();
    for (let n = 0; n < 20; n++) b.publish(visit, { n });
    await b.close();
    await waitFor('all 20', () => got.messages.length === 20);
    assert.equal(b.connected, false);
    assert.throws(() => b.publish(visit, {}), /closed/);
    got.stop();
  });

  test('log lines carry no message bodies and no visit ids', () => {
    assert.ok(
      logger.lines.some((l) => l.includes('reconnected')),
      'the restart was logged',
    );
    for (const line of logger.lines) {
      assert.ok(!line.includes(SECRET) && !/visit-\d/.test(line) && !line.includes('ov.signal'), line);
    }
  });
});
