import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  JanusConnection,
  JanusError,
  type JanusHandle,
} from '../../src/modules/visits/media/janus-client.js';
import {
  JanusMediaProvider,
  MediaProviderError,
  MULTI_PARTY_UNAVAILABLE,
  mediaProviderFromEnv,
  type Jsep,
  type MediaClosedReason,
  type MediaProvider,
  type MediaProviderErrorCode,
  type MediaRoomRef,
  type MediaSession,
} from '../../src/modules/visits/media/index.js';
import { feedId, RoomKeys } from '../../src/modules/visits/media/room-credentials.js';
import { launchChromium, type ChromiumSession } from '../browser/support/chromium.js';
import { MediaPage, startPageServer, type InboundSample } from './janus-page.js';
import { JanusServer } from './janus-server.js';

/**
 * The multi-party media provider against Debian's Janus on loopback: rooms, joins, replacement,
 * closing, errors, Janus going away; and real three-party calls in Chromium, where each page
 * publishes its fake camera and microphone through the provider and receives the other two.
 */

const ROOM_KEY = crypto.randomBytes(32).toString('base64url');
/** Bound on waiting for an event (Janus answers within milliseconds on loopback). */
const EVENT_WAIT_MS = 10_000;
/** How long media flows between two stats samples. */
const SAMPLE_GAP_MS = 2_500;

const newRoom = (): MediaRoomRef => ({ tenantId: 7, visitId: crypto.randomUUID() });
const newId = (name: string) => `${name}-${crypto.randomBytes(4).toString('hex')}`;

/** What one participant's events said. */
class Recorder {
  readonly changes: string[][] = [];
  readonly closed: MediaClosedReason[] = [];
  readonly events = {
    onPublishersChanged: (ids: readonly string[]) => this.changes.push([...ids]),
    onClosed: (reason: MediaClosedReason) => this.closed.push(reason),
  };

  get publishers(): string[] | undefined {
    return this.changes.at(-1);
  }

  /** Waits (bounded) until the latest publisher list is `expected`. */
  async publishersBecome(expected: string[], who = 'participant'): Promise<void> {
    const want = [...expected].sort();
    await until(
      () => JSON.stringify(this.publishers) === JSON.stringify(want),
      `${who} never saw publishers ${JSON.stringify(want)}; saw ${JSON.stringify(this.changes)}`,
    );
  }

  async closedWith(reason: MediaClosedReason, who = 'participant'): Promise<void> {
    await until(() => this.closed.length > 0, `${who} was never closed`);
    assert.deepEqual(this.closed, [reason]);
  }
}

async function until(condition: () => boolean, message: string, waitMs = EVENT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(message);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: MediaProviderErrorCode,
  mustNotContain: string[] = [],
) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof MediaProviderError, `not a MediaProviderError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const text of mustNotContain) assert.ok(!err.message.includes(text), `the error echoes ${text}`);
    return true;
  });
}

/** A raw Janus client with the API secret but none of the rooms' credentials: what Janus itself allows. */
async function rawVideoRoom(janus: JanusServer): Promise<{ conn: JanusConnection; handle: JanusHandle }> {
  const conn = await JanusConnection.open({
    url: janus.url,
    ...(janus.apiSecret !== undefined ? { apiSecret: janus.apiSecret } : {}),
    connectTimeoutMs: 5_000,
    requestTimeoutMs: 5_000,
    keepaliveMs: 25_000,
  });
  const session = await conn.createSession();
  return { conn, handle: await session.attach('janus.plugin.videoroom') };
}

async function janusRefuses(request: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(request, (err: unknown) => err instanceof JanusError && err.code === code);
}

const FAKE_MEDIA = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

describe('Janus media provider', () => {
  let janus: JanusServer;
  let provider: JanusMediaProvider;

  before(async () => {
    janus = await JanusServer.start();
    provider = new JanusMediaProvider({ url: janus.url, apiSecret: janus.apiSecret, roomKey: ROOM_KEY });
  });

  after(async () => {
    try {
      await provider?.close();
    } finally {
      await janus?.dispose();
    }
  });

  describe('rooms', () => {
    it('opens a room idempotently, also when opens run at once', async () => {
      const room = newRoom();
      await provider.openRoom(room, { maxParticipants: 3 });
      await provider.openRoom(room, { maxParticipants: 3 });
      await Promise.all([1, 2, 3].map((n) => provider.openRoom(room, { maxParticipants: 2 + n })));
      const { conn, handle } = await rawVideoRoom(janus);
      try {
        const { roomId } = new RoomKeys(Buffer.from(ROOM_KEY)).credentials(room);
        const { data } = await handle.message({ request: 'exists', room: roomId });
        assert.equal(data.exists, true);
      } finally {
        conn.close();
      }
    });

    it('closes a room idempotently, also one never opened; joining it then fails', async () => {
      const room = newRoom();
      await provider.closeRoom(room);
      await provider.openRoom(room, { maxParticipants: 2 });
      await provider.closeRoom(room);
      await provider.closeRoom(room);
      const events = new Recorder();
      await rejectsWith(provider.join(room, newId('p'), events.events), 'room-not-found');
      await rejectsWith(provider.join(newRoom(), newId('p'), events.events), 'room-not-found');
    });

    it('refuses malformed rooms, participant ids and options without echoing them', async () => {
      const room = newRoom();
      const events = new Recorder().events;
      await rejectsWith(
        provider.openRoom({ tenantId: 7, visitId: 'visit-of-jane-doe' }, { maxParticipants: 3 }),
        'invalid-argument',
        ['jane'],
      );
      await rejectsWith(
        provider.openRoom({ tenantId: -1, visitId: crypto.randomUUID() }, { maxParticipants: 3 }),
        'invalid-argument',
      );
      await rejectsWith(
        provider.openRoom({ tenantId: 1.5, visitId: crypto.randomUUID() }, { maxParticipants: 3 }),
        'invalid-argument',
      );
      for (const maxParticipants of [0, 65, 2.5])
        await rejectsWith(provider.openRoom(room, { maxParticipants }), 'invalid-argument');
      await provider.openRoom(room, { maxParticipants: 3 });
      for (const id of ['Jane Doe', 'jane@example.org', '+15551234567', '', 'x'.repeat(65)])
        await rejectsWith(provider.join(room, id, events), 'invalid-argument', id === '' ? [] : [id]);
      await provider.closeRoom(room);
    });

    it('keeps the room closed to anyone holding only the Janus API: unlisted, PIN to join, secret to destroy', async () => {
      const room = newRoom();
      await provider.openRoom(room, { maxParticipants: 3 });
      const alice = newId('alice');
      const session = await provider.join(room, alice, new Recorder().events);
      const { conn, handle } = await rawVideoRoom(janus);
      try {
        const { roomId } = new RoomKeys(Buffer.from(ROOM_KEY)).credentials(room);
        const { data: list } = await handle.message({ request: 'list' });
        assert.ok(Array.isArray(list.list));
        assert.ok(!(list.list as { room: number }[]).some((r) => r.room === roomId), 'the room is listed');
        const guess = crypto.randomBytes(16).toString('base64url');
        await janusRefuses(handle.message({ request: 'destroy', room: roomId }), 429);
        await janusRefuses(handle.message({ request: 'destroy', room: roomId, secret: guess }), 433);
        const join = { request: 'join', ptype: 'publisher', room: roomId, display: 'intruder' };
        await janusRefuses(handle.message(join), 429);
        await janusRefuses(handle.message({ ...join, pin: guess }), 433);
        await janusRefuses(
          handle.message({
            ...join,
            ptype: 'subscriber',
            pin: guess,
            streams: [{ feed: feedId(roomId, alice) }],
          }),
          433,
        );
        // Janus knows the participant by its opaque id and the number derived from it, nothing else.
        const { data } = await handle.message({ request: 'listparticipants', room: roomId });
        assert.deepEqual(data.participants, [
          { id: feedId(roomId, alice), display: alice, publisher: false },
        ]);
        // Nor does the visit id, or the room's credentials, reach Janus's log.
        const { secret, pin } = new RoomKeys(Buffer.from(ROOM_KEY)).credentials(room);
        const log = janus.log();
        assert.ok(log.includes('VideoRoom'), 'the Janus log is empty: the check below would prove nothing');
        for (const text of [room.visitId, secret, pin]) assert.ok(!log.includes(text), 'Janus logged it');
      } finally {
        conn.close();
        await session.leave();
        await provider.closeRoom(room);
      }
    });

    it('finds the room taken when another node opens it with another room key', async () => {
      const room = newRoom();
      await provider.openRoom(room, { maxParticipants: 3 });
      const other = new JanusMediaProvider({ url: janus.url, apiSecret: janus.apiSecret });
      try {
        await rejectsWith(other.openRoom(room, { maxParticipants: 3 }), 'room-conflict');
        await rejectsWith(other.join(room, newId('p'), new Recorder().events), 'room-conflict');
      } finally {
        await other.close();
        await provider.closeRoom(room);
      }
    });
  });

  describe('participants', () => {
    it('tells a new participant the publishers once after joining (none yet)', async () => {
      const room = newRoom();
      await provider.openRoom(room, { maxParticipants: 3 });
      const events = new Recorder();
      const session = await provider.join(room, newId('p'), events.events);
      assert.deepEqual(events.changes, [], 'reported before join returned');
      await until(() => events.changes.length === 1, 'no initial publisher list');
      assert.deepEqual(events.changes, [[]]);
      await session.leave();
      await session.leave();
      await provider.closeRoom(room);
      assert.deepEqual(events.closed, [], 'onClosed after leave');
    });

    it('replaces a participant that joins again, on this node or another one with the same room key', async () => {
      const room = newRoom();
      await provider.openRoom(room, { maxParticipants: 3 });
      const id = newId('p');
      const first = new Recorder();
      const firstSession = await provider.join(room, id, first.events);
      const second = new Recorder();
      const otherNode = new JanusMediaProvider({
        url: janus.url,
        apiSecret: janus.apiSecret,
        roomKey: ROOM_KEY,
      });
      try {
        await otherNode.join(room, id, second.events);
        await first.closedWith('replaced', 'the first session');
        await rejectsWith(firstSession.setAudioOnly(true), 'session-closed');
        const third = new Recorder();
        await provider.join(room, id, third.events);
        await second.closedWith('replaced', 'the second session');
        assert.deepEqual(third.closed, []);
      } finally {
        await otherNode.close();
        await provider.closeRoom(room);
      }
    });

    it('closing the room ends every session in it, on every node', async () => {
      const room = newRoom();
      await provider.openRoom(room, { maxParticipants: 3 });
      const here = new Recorder();
      const there = new Recorder();
      const otherNode = new JanusMediaProvider({
        url: janus.url,
        apiSecret: janus.apiSecret,
        roomKey: ROOM_KEY,
      });
      try {
        await provider.join(room, newId('here'), here.events);
        await otherNode.join(room, newId('there'), there.events);
        await provider.closeRoom(room);
        assert.deepEqual(here.closed, ['room-closed'], 'not closed when closeRoom resolved');
        await there.closedWith('room-closed', 'the other node');
      } finally {
        await otherNode.close();
      }
    });

    it('refuses bad SDP, unknown publishers and subscriptions, and calls after leaving', async () => {
      const room = newRoom();
      await provider.openRoom(room, { maxParticipants: 3 });
      const id = newId('p');
      const session = await provider.join(room, id, new Recorder().events);
      const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
      await rejectsWith(session.publish({ type: 'answer', sdp } as Jsep), 'invalid-argument');
      await rejectsWith(session.publish({ type: 'offer', sdp: 'hello' }), 'invalid-argument', ['hello']);
      await rejectsWith(session.publish({ type: 'offer', sdp }), 'rejected');
      await rejectsWith(session.subscribe(newId('nobody')), 'publisher-not-found');
      await rejectsWith(session.subscribe(id), 'invalid-argument');
      await rejectsWith(session.subscribe('Jane Doe'), 'invalid-argument', ['Jane']);
      await rejectsWith(session.answer(crypto.randomUUID(), { type: 'answer', sdp }), 'invalid-argument');
      await rejectsWith(session.trickle(crypto.randomUUID(), null), 'invalid-argument');
      await rejectsWith(session.trickle('publisher', { candidate: 'a\r\nb' }), 'invalid-argument');
      await session.trickle('publisher', null);
      await session.leave();
      await rejectsWith(session.publish({ type: 'offer', sdp }), 'session-closed');
      await rejectsWith(session.trickle('publisher', null), 'session-closed');
      await provider.closeRoom(room);
    });
  });

  describe('three-party call in Chromium', () => {
    let browser: ChromiumSession;
    let pages: Awaited<ReturnType<typeof startPageServer>>;
    const room = newRoom();
    const names = ['clinician', 'patient', 'interpreter'].map(newId);

    interface Party {
      id: string;
      page: MediaPage;
      session: MediaSession;
      events: Recorder;
      /** Subscription id of each other participant's media. */
      subscriptions: Map<string, string>;
    }
    const parties: Party[] = [];
    const others = (party: Party) => parties.filter((p) => p !== party);

    async function inboundOf(party: Party, publisherId: string): Promise<InboundSample[]> {
      const subscriptionId = party.subscriptions.get(publisherId);
      assert.ok(subscriptionId, `${party.id} has no subscription to ${publisherId}`);
      return party.page.inbound(subscriptionId);
    }

    const total = (
      samples: InboundSample[],
      kind: 'audio' | 'video',
      field: keyof Omit<InboundSample, 'kind'>,
    ) => samples.filter((s) => s.kind === kind).reduce((sum, s) => sum + s[field], 0);

    /** Samples every (receiver, publisher) pair twice, SAMPLE_GAP_MS apart. */
    async function sampleAll(): Promise<Map<string, [InboundSample[], InboundSample[]]>> {
      const pairs = parties.flatMap((party) => others(party).map((other) => [party, other.id] as const));
      const first = await Promise.all(pairs.map(([party, id]) => inboundOf(party, id)));
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_GAP_MS));
      const second = await Promise.all(pairs.map(([party, id]) => inboundOf(party, id)));
      return new Map(
        pairs.map(([party, id], i) => [`${party.id} <- ${id}`, [first[i] ?? [], second[i] ?? []]]),
      );
    }

    before(async () => {
      pages = await startPageServer();
      browser = await launchChromium({ allowedOrigins: [pages.origin], extraArgs: FAKE_MEDIA });
      await provider.openRoom(room, { maxParticipants: 3 });
      for (const id of names) {
        const page = await MediaPage.open(await browser.context.newPage(), pages.origin);
        const events = new Recorder();
        const session = await provider.join(room, id, events.events);
        page.attach(session);
        parties.push({ id, page, session, events, subscriptions: new Map() });
      }
    });

    after(async () => {
      await browser?.close();
      await pages?.close();
      await provider.closeRoom(room);
    });

    it('publishes each page through Janus, which answers with one host candidate on its ICE address', async () => {
      for (const party of parties) {
        const answer = await party.session.publish(await party.page.publishOffer());
        assert.equal(answer.type, 'answer');
        const candidates = answer.sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
        assert.ok(candidates.length > 0, 'Janus put no candidate in its answer');
        for (const line of candidates)
          assert.ok(line.includes(` ${janus.iceAddress} `) && / typ host/.test(line), line);
        await party.page.setAnswer('publisher', answer);
      }
      for (const party of parties) {
        await waitForState(party.page, 'publisher', 'connected');
        assert.deepEqual(await party.page.selectedPair('publisher'), {
          local: janus.iceAddress,
          remote: janus.iceAddress,
        });
      }
    });

    it('tells each participant that the two others publish', async () => {
      for (const party of parties) {
        await party.events.publishersBecome(
          others(party).map((p) => p.id),
          party.id,
        );
        // Every list a participant was given named other participants of the room only.
        for (const change of party.events.changes)
          for (const id of change)
            assert.ok(names.includes(id) && id !== party.id, `unexpected publisher ${id}`);
      }
    });

    it('each page receives audio and video from both others (bytes and decoded frames grow)', async () => {
      for (const party of parties) {
        for (const other of others(party)) {
          const { subscriptionId, offer } = await party.session.subscribe(other.id);
          party.subscriptions.set(other.id, subscriptionId);
          await party.session.answer(subscriptionId, await party.page.answerOffer(subscriptionId, offer));
        }
      }
      for (const party of parties)
        for (const other of others(party))
          await waitForState(party.page, party.subscriptions.get(other.id) ?? '', 'connected');
      // Media has started once every subscription has decoded a frame; then two samples apart.
      await untilAsync(async () => {
        for (const party of parties)
          for (const other of others(party))
            if (total(await inboundOf(party, other.id), 'video', 'framesDecoded') === 0) return false;
        return true;
      }, 'some subscription never decoded a frame');
      const samples = await sampleAll();
      assert.equal(samples.size, 6);
      for (const [pair, [before, after]] of samples) {
        assert.equal(after.filter((s) => s.kind === 'audio').length, 1, `${pair}: one audio stream`);
        assert.equal(after.filter((s) => s.kind === 'video').length, 1, `${pair}: one video stream`);
        for (const kind of ['audio', 'video'] as const)
          assert.ok(
            total(after, kind, 'bytesReceived') > total(before, kind, 'bytesReceived'),
            `${pair}: ${kind} bytes did not grow`,
          );
        assert.ok(
          total(after, 'video', 'framesDecoded') > total(before, 'video', 'framesDecoded'),
          `${pair}: no frames decoded`,
        );
      }
      for (const party of parties) assert.deepEqual(party.page.trickleErrors, []);
    });

    it('audio-only stops video both ways in Janus, without renegotiation, keeps audio, and video comes back', async () => {
      const [a, b, c] = parties as [Party, Party, Party];
      // Only the provider acts: the page keeps sending video, so what stops is Janus relaying it.
      await a.session.setAudioOnly(true);
      // Let what was in flight arrive before sampling.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      let samples = await sampleAll();
      const grew = (pair: string, kind: 'audio' | 'video') => {
        const [before, after] = samples.get(pair) ?? [[], []];
        return total(after, kind, 'bytesReceived') > total(before, kind, 'bytesReceived');
      };
      for (const [receiver, publisher] of [
        [b, a],
        [c, a],
        [a, b],
        [a, c],
      ] as const) {
        const pair = `${receiver.id} <- ${publisher.id}`;
        assert.ok(grew(pair, 'audio'), `${pair}: audio stopped`);
        assert.ok(!grew(pair, 'video'), `${pair}: video still flows in audio-only mode`);
      }
      for (const [receiver, publisher] of [
        [b, c],
        [c, b],
      ] as const)
        assert.ok(grew(`${receiver.id} <- ${publisher.id}`, 'video'), 'video between the two others stopped');

      await a.session.setAudioOnly(false);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      samples = await sampleAll();
      for (const [pair, [before, after]] of samples) {
        assert.ok(grew(pair, 'audio'), `${pair}: audio stopped`);
        assert.ok(grew(pair, 'video'), `${pair}: video did not come back`);
        assert.ok(
          total(after, 'video', 'framesDecoded') > total(before, 'video', 'framesDecoded'),
          `${pair}: no frames decoded`,
        );
      }
    });

    it('a participant who leaves drops out of the others’ publishers, and their subscriptions to it end', async () => {
      const [a, b, c] = parties as [Party, Party, Party];
      // An explicit unsubscribe ends one subscription only (twice is fine).
      const fromA = b.subscriptions.get(a.id) ?? '';
      await b.session.unsubscribe(fromA);
      await b.session.unsubscribe(fromA);
      await rejectsWith(b.session.trickle(fromA, null), 'invalid-argument');
      await b.session.trickle(b.subscriptions.get(c.id) ?? '', null);

      await c.session.leave();
      await a.events.publishersBecome([b.id], a.id);
      await b.events.publishersBecome([a.id], b.id);
      const ended = a.subscriptions.get(c.id) ?? '';
      await rejectsWith(a.session.trickle(ended, null), 'invalid-argument');
      await rejectsWith(a.session.subscribe(c.id), 'publisher-not-found');
      assert.deepEqual(
        [a, b, c].flatMap((p) => p.events.closed),
        [],
      );
    });
  });

  describe('room cap in Chromium', () => {
    it('a room opened for two publishers refuses a third (room-full), and takes it after one leaves', async () => {
      const pages = await startPageServer();
      const browser = await launchChromium({ allowedOrigins: [pages.origin], extraArgs: FAKE_MEDIA });
      const room = newRoom();
      try {
        await provider.openRoom(room, { maxParticipants: 2 });
        const joined: { page: MediaPage; session: MediaSession }[] = [];
        for (const name of ['one', 'two', 'three']) {
          const page = await MediaPage.open(await browser.context.newPage(), pages.origin);
          const session = await provider.join(room, newId(name), new Recorder().events);
          page.attach(session);
          joined.push({ page, session });
        }
        const [one, two, three] = joined as [(typeof joined)[0], (typeof joined)[0], (typeof joined)[0]];
        for (const p of [one, two]) {
          await p.page.setAnswer('publisher', await p.session.publish(await p.page.publishOffer()));
          await waitForState(p.page, 'publisher', 'connected');
        }
        await rejectsWith(three.session.publish(await three.page.publishOffer()), 'room-full');
        await one.session.leave();
        // Janus frees the place once the leaver's publisher is torn down; each try is a new offer.
        await untilAsync(async () => {
          try {
            await three.page.setAnswer(
              'publisher',
              await three.session.publish(await three.page.publishOffer()),
            );
            return true;
          } catch (err) {
            if (err instanceof MediaProviderError && err.code === 'room-full') return false;
            throw err;
          }
        }, 'the third publisher was never let in');
        await waitForState(three.page, 'publisher', 'connected');
      } finally {
        await browser.close();
        await pages.close();
        await provider.closeRoom(room);
      }
    });
  });
});

describe('Janus going away', () => {
  let janus: JanusServer;
  let provider: JanusMediaProvider;
  const warnings: string[] = [];

  before(async () => {
    janus = await JanusServer.start();
    provider = new JanusMediaProvider({
      url: janus.url,
      apiSecret: janus.apiSecret,
      roomKey: ROOM_KEY,
      connectTimeoutMs: 2_000,
      requestTimeoutMs: 5_000,
      backoff: { baseMs: 400, maxMs: 800 },
      logger: { info() {}, warn: (obj, msg) => warnings.push(`${msg} ${JSON.stringify(obj)}`) },
    });
  });

  after(async () => {
    try {
      await provider?.close();
    } finally {
      await janus?.dispose();
    }
  });

  it('closes every session, fails fast while Janus is down, and reconnects with backoff once it is back', async () => {
    const room = newRoom();
    await provider.openRoom(room, { maxParticipants: 3 });
    const a = new Recorder();
    const b = new Recorder();
    await provider.join(room, newId('a'), a.events);
    await provider.join(room, newId('b'), b.events);
    assert.equal(provider.connected, true);

    await janus.stop('SIGKILL');
    await a.closedWith('provider-lost', 'a');
    await b.closedWith('provider-lost', 'b');
    assert.equal(provider.connected, false);

    // The first use after the loss tries to connect and fails; the next one, within the backoff
    // wait, fails at once without trying.
    await rejectsWith(provider.join(room, newId('c'), new Recorder().events), 'unavailable', [
      janus.url,
      String(janus.apiSecret),
    ]);
    const started = Date.now();
    await assert.rejects(provider.join(room, newId('c'), new Recorder().events), /next attempt is in \d+ ms/);
    assert.ok(Date.now() - started < 100, 'a call within the backoff wait tried to connect');
    assert.equal(warnings.filter((w) => w.startsWith('could not connect')).length, 1);

    // Janus comes back empty (rooms are not permanent); the provider re-creates the room it opened.
    await janus.run();
    await new Promise((resolve) => setTimeout(resolve, 800));
    const c = new Recorder();
    const session = await provider.join(room, newId('c'), c.events);
    assert.equal(provider.connected, true);
    await until(() => c.changes.length === 1, 'no publisher list after reconnecting');
    await session.leave();
    await provider.closeRoom(room);
  });

  it('reports a wrong API secret as unavailable, without echoing either secret', async () => {
    const wrong = crypto.randomBytes(16).toString('hex');
    const other = new JanusMediaProvider({ url: janus.url, apiSecret: wrong });
    try {
      await rejectsWith(other.openRoom(newRoom(), { maxParticipants: 2 }), 'unavailable', [
        wrong,
        String(janus.apiSecret),
      ]);
    } finally {
      await other.close();
    }
    await rejectsWith(
      provider.close().then(() => provider.openRoom(newRoom(), { maxParticipants: 2 })),
      'provider-closed',
    );
  });
});

describe('mediaProviderFromEnv', () => {
  it('is undefined without JANUS_URL, and says what multi-party visits then lack', () => {
    assert.equal(mediaProviderFromEnv({}), undefined);
    assert.equal(mediaProviderFromEnv({ JANUS_URL: ' ' }), undefined);
    assert.match(MULTI_PARTY_UNAVAILABLE, /multi-party visits are unavailable.*JANUS_URL/);
  });

  it('builds the Janus provider from JANUS_URL, JANUS_API_SECRET and JANUS_ROOM_KEY, without connecting', async () => {
    const provider: MediaProvider | undefined = mediaProviderFromEnv({
      JANUS_URL: 'ws://127.0.0.1:1',
      JANUS_API_SECRET: 'api-secret',
      JANUS_ROOM_KEY: 'k'.repeat(32),
    });
    assert.ok(provider instanceof JanusMediaProvider);
    assert.equal(provider.name, 'janus');
    // Nothing listens on port 1: the first use fails as unavailable, without the URL or secret.
    await rejectsWith(provider.openRoom(newRoom(), { maxParticipants: 2 }), 'unavailable', [
      'api-secret',
      '127.0.0.1:1',
    ]);
    await provider.close();
  });

  it('refuses bad settings, naming the variable and never echoing its value', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ JANUS_URL: 'http://user:hunter2@janus:8088' }, /JANUS_URL must be a ws:\/\/ or wss:\/\/ URL/],
      [{ JANUS_URL: 'ws://user:hunter2@janus:8188' }, /JANUS_URL must not carry credentials/],
      [{ JANUS_URL: 'hunter2 janus' }, /JANUS_URL is not a URL/],
      [{ JANUS_URL: 'ws://janus:8188/?secret=hunter2' }, /JANUS_URL must not have a query/],
      [{ JANUS_API_SECRET: 'hunter2' }, /JANUS_URL must be set when JANUS_API_SECRET/],
      [
        { JANUS_URL: 'ws://janus:8188', JANUS_API_SECRET: ' hunter2' },
        /JANUS_API_SECRET must not have surrounding spaces/,
      ],
      [
        { JANUS_URL: 'ws://janus:8188', JANUS_ROOM_KEY: 'hunter2' },
        /JANUS_ROOM_KEY must be at least 32 characters/,
      ],
    ];
    for (const [env, message] of cases)
      assert.throws(
        () => mediaProviderFromEnv(env),
        (err: Error) => message.test(err.message) && !err.message.includes('hunter2'),
        JSON.stringify(Object.keys(env)),
      );
  });
});

async function untilAsync(
  condition: () => Promise<boolean>,
  message: string | (() => string),
  waitMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(typeof message === 'string' ? message : message());
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForState(page: MediaPage, target: string, state: string): Promise<void> {
  let last = '';
  await untilAsync(
    async () => (last = await page.connectionState(target)) === state,
    () => `${target} stayed ${last}, never ${state}`,
  );
}
