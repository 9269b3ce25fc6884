import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo, type DemoSeedResult } from '../../src/demo/seed.js';
import type { IceConfig } from '../../src/modules/visits/ice/index.js';
import { NatsSignalBus } from '../../src/modules/visits/signaling/index.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { en } from '../../../web/src/i18n/en.js';
import { OAuthBrowser } from '../auth/support/oauth-client.js';
import { launchChromium, type ChromiumSession } from '../browser/support/chromium.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TcpFailover } from '../support/tcp-failover.js';
import { NatsServer } from '../visits/signal-bus-nats-server.js';
import { signInThroughApp } from './support.js';
import {
  bookVideoVisitNow,
  checkInThroughApp,
  MEDIA_FLAGS,
  MEDIA_WAIT_MS,
  patientDetails,
  sleep,
} from './visit-support.js';

/**
 * The proof: a video visit in two Chromiums across two OpenVisit nodes (one database and
 * keyring, signaling over Debian's nats-server), behind a TCP failover proxy that both browsers use
 * as their origin (`BASE_URL`). The patient's page is on node A, the clinician's on node B; then
 * node A crashes, and the patient's page resumes on node B: no admission again, media both ways.
 *
 * The crash, as the rest of the deployment sees it: the proxy resets every connection piped to A
 * and sends no new one there, and A's own link to NATS (through a second proxy) is reset at the
 * same moment, so A can tell no one anything either. A's process lives on, cut off, until `after`.
 *
 * Which node a browser lands on is the proxy's `preferred` backend when it opens a connection: the
 * test switches it before each side's steps, and checks on the nodes where the sockets are.
 */

const keyring = [{ id: 'web-nodes', key: crypto.randomBytes(32) }];
const LIVE = '/api/visits/live';

/**
 * Keeps each WebSocket the page opens (`__openvisitSockets`) and how each closed (`__openvisitCloses`),
 * and the page's level-1 headings in order (`__openvisitH1s`) and how many times the reconnecting
 * notice came up (`__openvisitReconnecting`), watched on every DOM change: a notice shown for a
 * fraction of a second is counted too. This test's only; the app has none of it.
 */
const PAGE_SPY = `(() => {
  const Native = window.WebSocket;
  const sockets = [];
  const closes = [];
  Object.defineProperty(window, '__openvisitSockets', { value: sockets });
  Object.defineProperty(window, '__openvisitCloses', { value: closes });
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      sockets.push(this);
      this.addEventListener('close', (e) => closes.push({ url: this.url, code: e.code }));
    }
  };
  const h1s = [];
  const seen = { reconnecting: 0 };
  Object.defineProperty(window, '__openvisitH1s', { value: h1s });
  Object.defineProperty(window, '__openvisitReconnecting', { get: () => seen.reconnecting });
  const RECONNECTING = ${JSON.stringify(en['visit.connection.reconnecting'])};
  let showing = false;
  const check = () => {
    const h1 = document.querySelector('h1');
    const title = h1 ? (h1.textContent || '').trim() : '';
    if (title && h1s[h1s.length - 1] !== title) h1s.push(title);
    const now = !!document.body && (document.body.textContent || '').includes(RECONNECTING);
    if (now && !showing) seen.reconnecting++;
    showing = now;
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
})()`;

const LIVE_SOCKETS = `window.__openvisitSockets.filter((s) => s.url.endsWith('${LIVE}')).length`;
const LIVE_OPEN = `window.__openvisitSockets.filter((s) => s.url.endsWith('${LIVE}') && s.readyState === 1).length`;

interface MediaSample {
  peers: number;
  audioBytes: number;
  videoFrames: number;
  states: string[];
  /** The ICE username fragment of each live connection's remote description (new on an ICE restart). */
  remoteUfrags: string[];
}

/** What the page's live RTCPeerConnections received so far. */
const MEDIA_SAMPLE = `(async () => {
  const pcs = (window.__openvisitPeers || []).filter((pc) => pc.connectionState !== 'closed');
  const out = { peers: pcs.length, audioBytes: 0, videoFrames: 0, states: [], remoteUfrags: [] };
  for (const pc of pcs) {
    out.states.push(pc.connectionState);
    const m = /a=ice-ufrag:(\\S+)/.exec((pc.remoteDescription && pc.remoteDescription.sdp) || '');
    out.remoteUfrags.push(m ? m[1] : '');
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioBytes += s.bytesReceived || 0;
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.videoFrames += s.framesDecoded || 0;
    });
  }
  return out;
})()`;

const sample = (page: Page) => page.evaluate(MEDIA_SAMPLE) as Promise<MediaSample>;

/** Waits (bounded) until `ok` holds of what `read` gives; polled, with what it last saw in the failure. */
async function eventually<T>(
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
  what: string,
  boundMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + boundMs;
  let last = await read();
  while (!ok(last)) {
    assert.ok(Date.now() < deadline, `${what} (waited ${boundMs} ms; last ${JSON.stringify(last)})`);
    await sleep(200);
    last = await read();
  }
  return last;
}

/** A page expression, polled with `evaluate` (the app's CSP refuses `waitForFunction`'s strings). */
const until = (page: Page, expression: string, what: string, boundMs = 15_000) =>
  eventually(
    () => page.evaluate(expression),
    (v) => Boolean(v),
    what,
    boundMs,
  );

/** How much audio and how many video frames came in over `gapMs`. */
async function flow(page: Page, gapMs = 2_500) {
  const a = await sample(page);
  await sleep(gapMs);
  const b = await sample(page);
  return { audio: b.audioBytes - a.audioBytes, frames: b.videoFrames - a.videoFrames, last: b };
}

/** Waits (bounded) until audio and video both flow into the page, over one connection. */
async function mediaFlowing(page: Page, what: string) {
  const deadline = Date.now() + MEDIA_WAIT_MS;
  let f = await flow(page);
  while (!(f.audio > 0 && f.frames > 0)) {
    assert.ok(Date.now() < deadline, `${what}: ${JSON.stringify(f)}`);
    f = await flow(page);
  }
  assert.equal(f.last.peers, 1, `${what}: one peer connection in a 1:1 visit`);
  return f;
}

/** One sample of a Prometheus text page: the value of `name{labels}` (0 when absent). */
function metric(text: string, name: string, labels = ''): number {
  const escaped = `${name}${labels}`.replace(/[{}"\\]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe(
  'a video visit across two nodes in Chromium: the patient’s node dies, the visit resumes',
  { timeout: 600_000 },
  () => {
    let nats: NatsServer;
    /** The browsers' origin: the "load balancer" in front of nodes A and B. */
    let lb: TcpFailover;
    /** Node A's own link to NATS, cut when A crashes. */
    let natsLinkA: TcpFailover;
    let busA: NatsSignalBus | undefined;
    let busB: NatsSignalBus | undefined;
    let nodeA: TestServer | undefined;
    let nodeB: TestServer | undefined;
    let base: string;
    let seeded: DemoSeedResult;
    let patientBrowser: ChromiumSession | undefined;
    let clinicianBrowser: ChromiumSession | undefined;
    let patientPage: Page;
    let clinicianPage: Page;
    let visitId: string;
    let patientName: string;
    let birthDate: string;
    let patientToken: string;
    const ice: IceConfig = { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 600 };

    const direct = (n: TestServer | undefined) => {
      assert.ok(n);
      return n.fhir.replace(/\/fhir\/R4$/, '');
    };
    const sockets = (n: TestServer | undefined) => {
      const live = n?.app.visits?.sockets;
      assert.ok(live, 'a secured node has visit sockets');
      return live;
    };
    const metricsOf = async (n: TestServer | undefined) => (await fetch(`${direct(n)}/metrics`)).text();

    before(async () => {
      nats = await NatsServer.start();
      lb = await TcpFailover.start();
      base = lb.url;
      natsLinkA = await TcpFailover.start({ backends: [{ name: 'nats', port: nats.port }] });
      busA = await NatsSignalBus.connect({
        servers: [natsLinkA.address],
        nodeId: 'node-a',
        drainTimeoutMs: 1_000,
      });
      busB = await NatsSignalBus.connect({ servers: [`127.0.0.1:${nats.port}`], nodeId: 'node-b' });
      // One public address for both (the proxy's): tokens name it as their audience, the web client's
      // redirect is under it, and the pages' origin is it.
      const env = { BASE_URL: base };
      nodeA = await startTestServer({
        security: { mode: 'secured', keyring },
        env,
        visits: { bus: busA, ice },
      });
      nodeB = await startTestServer({
        tdb: nodeA.tdb,
        security: { mode: 'secured', keyring },
        env,
        visits: { bus: busB, ice },
      });
      lb.add({ name: 'A', port: Number(new URL(direct(nodeA)).port) });
      lb.add({ name: 'B', port: Number(new URL(direct(nodeB)).port) });

      const tdb = nodeA.tdb;
      const result = await seedDemo(tdb.db, new Envelope(keyring), {
        baseUrl: base,
        fhirBaseUrl: `${base}/fhir/R4`,
        tenantSlug: 'tenant-a',
      });
      assert.ok(result);
      seeded = result;
      const patient = seeded.patients[0];
      assert.ok(patient);

      // Dr. Demo works around the clock here, so that a visit can start now (as in visit-call.test.ts).
      await bookVideoVisitNow(nodeA, seeded, patient.id, 'visit-nodes test');
      ({ birthDate, name: patientName } = await patientDetails(nodeA, patient.id));

      // The patient's own token, to read the visit through the API (on node B, after the crash).
      lb.preferred = 'B';
      const oauth = await new OAuthBrowser(base).signIn({
        clientId: 'openvisit-web',
        redirectUri: `${base}/app/callback`,
        scope: 'openid fhirUser user/*.cruds',
        username: 'patient@demo',
        password: DEMO_PASSWORD,
        aud: `${base}/fhir/R4`,
      });
      assert.ok(oauth.tokens, oauth.error);
      patientToken = oauth.tokens.access_token;

      const launch = async () => {
        const session = await launchChromium({ allowedOrigins: [base], extraArgs: MEDIA_FLAGS });
        await session.context.addInitScript(PAGE_SPY);
        return session;
      };
      [patientBrowser, clinicianBrowser] = await Promise.all([launch(), launch()]);
      patientPage = await patientBrowser.context.newPage();
      clinicianPage = await clinicianBrowser.context.newPage();
    });

    after(async () => {
      await patientBrowser?.close();
      await clinicianBrowser?.close();
      await nodeB?.close();
      await nodeA?.close(); // owns the database
      // What is left of node A: its bus, still trying to reach NATS (close() closes it all the same).
      await busA?.close();
      await busB?.close();
      await lb?.close();
      await natsLinkA?.close();
      await nats?.dispose();
    });

    const callTitle = (page: Page) =>
      page === patientPage ? en['visit.call.title'] : en['visit.videoTitle'];

    it('the clinician signs in and follows the waiting room on node B', async () => {
      lb.preferred = 'B';
      const page = clinicianPage;
      await page.goto(`${base}/app/`);
      await signInThroughApp(page, 'clinician@demo');
      await page.waitForURL(`${base}/app/patients`);
      await page.getByRole('link', { name: en['visit.nav.waitingRoom'] }).first().click();
      await page.waitForURL(`${base}/app/clinic/waiting-room`);
      await page.getByText(en['visit.queue.empty']).waitFor();
      await page.getByText(en['visit.queue.live']).waitFor();
      assert.equal(sockets(nodeA).socketCount, 0, 'nothing on node A yet');
      assert.ok(sockets(nodeB).socketCount >= 1, 'the waiting room’s socket is on node B');
    });

    it('the patient signs in on node A, checks in and waits', async () => {
      lb.preferred = 'A';
      const page = patientPage;
      await page.goto(`${base}/app/`);
      await signInThroughApp(page, 'patient@demo');
      await page.waitForURL(`${base}/app/home`);
      visitId = await checkInThroughApp(page, birthDate);
      await page
        .getByRole('status')
        .filter({ hasText: /in line/ })
        .waitFor();

      assert.equal(await page.evaluate(LIVE_OPEN), 1, 'the patient’s page has one open visit socket');
      await eventually(
        () => sockets(nodeA).socketCount,
        (n) => n === 1,
        'the waiting patient’s socket is the one socket on node A',
      );
      // The clinician (on B) hears the arrival across nodes.
      await clinicianPage
        .getByRole('status')
        .filter({ hasText: `${patientName} is waiting for you.` })
        .waitFor({ timeout: 15_000 });
    });

    it('the clinician admits from node B: patient on A, clinician on B, media flowing both ways', async () => {
      lb.preferred = 'B';
      const patientSockets = (await patientPage.evaluate(LIVE_SOCKETS)) as number;
      await clinicianPage.getByRole('button', { name: `${en['visit.queue.admit']} ${patientName}` }).click();
      await clinicianPage.waitForURL(`${base}/app/visits/${visitId}`);
      for (const page of [patientPage, clinicianPage]) {
        await page.getByRole('heading', { level: 1, name: callTitle(page) }).waitFor({ timeout: 15_000 });
        await page
          .locator('[data-testid="call-status"][data-media-ready="yes"]')
          .waitFor({ timeout: MEDIA_WAIT_MS });
        await page.getByRole('status').filter({ hasText: en['visit.status.connected'] }).waitFor();
      }
      for (const page of [patientPage, clinicianPage]) await mediaFlowing(page, 'media before the crash');

      // Where everyone is: the patient's page kept the socket it waited on (node A's only socket);
      // the clinician's call socket is on node B; each node holds the visit's room for its side.
      assert.equal(await patientPage.evaluate(LIVE_SOCKETS), patientSockets, 'the patient kept its socket');
      assert.equal(await clinicianPage.evaluate(LIVE_OPEN), 1, 'the clinician’s call socket');
      assert.equal(sockets(nodeA).socketCount, 1);
      assert.equal(sockets(nodeA).roomCount, 1);
      assert.equal(sockets(nodeB).roomCount, 1);
      const [a, b] = await Promise.all([metricsOf(nodeA), metricsOf(nodeB)]);
      assert.equal(metric(a, 'visit_join_attempts_total', '{role="patient"}'), 1, 'the patient joined on A');
      assert.equal(metric(a, 'visit_join_attempts_total', '{role="clinician"}'), 0);
      assert.equal(
        metric(b, 'visit_join_attempts_total', '{role="clinician"}'),
        1,
        'the clinician joined on B',
      );
      assert.equal(metric(b, 'visit_join_attempts_total', '{role="patient"}'), 0);
      assert.equal(metric(a, 'visit_media_ready_total', '{role="patient"}'), 1);
      assert.equal(metric(b, 'visit_media_ready_total', '{role="clinician"}'), 1);
      assert.equal(metric(a, 'visit_connections'), 1);
    });

    it('node A crashes: the patient’s page reconnects to node B and the visit resumes, not re-admitted', async () => {
      const patientSockets = (await patientPage.evaluate(LIVE_SOCKETS)) as number;
      const clinicianSockets = (await clinicianPage.evaluate(LIVE_SOCKETS)) as number;
      const h1sBefore = ((await patientPage.evaluate('window.__openvisitH1s.length')) as number) - 1;
      const noticesBefore = (await patientPage.evaluate('window.__openvisitReconnecting')) as number;
      const clinicianNoticesBefore = (await clinicianPage.evaluate(
        'window.__openvisitReconnecting',
      )) as number;
      const before = await sample(patientPage);
      const onB = sockets(nodeB).socketCount;
      const reconnectsB = metric(await metricsOf(nodeB), 'visit_reconnects_total');

      // The crash: A's link to NATS and every connection to A reset at once; nothing new reaches A.
      assert.equal(natsLinkA.cut('nats'), 1, 'node A’s NATS connection');
      assert.ok(lb.cut('A') >= 1, 'the connections on node A (the patient’s visit socket at least)');

      // The patient's page sees its socket drop (an abnormal close, not the end of the visit), says it
      // is reconnecting, and opens a new socket, which only node B can take.
      await until(
        patientPage,
        `window.__openvisitCloses.some((c) => c.url.endsWith('${LIVE}') && c.code === 1006)`,
        'the patient’s visit socket dropped abnormally (1006)',
      );
      await until(
        patientPage,
        `window.__openvisitReconnecting > ${noticesBefore}`,
        'the page says it reconnects',
      );
      await until(patientPage, `${LIVE_SOCKETS} > ${patientSockets}`, 'a new visit socket');
      await until(patientPage, `${LIVE_OPEN} === 1`, 'the new socket open');
      await patientPage
        .getByText(en['visit.connection.reconnecting'])
        .first()
        .waitFor({ state: 'detached', timeout: 15_000 });
      await eventually(
        () => sockets(nodeB).socketCount,
        (n) => n === onB + 1,
        'the patient’s socket on node B',
      );
      await eventually(
        () => sockets(nodeA).socketCount,
        (n) => n === 0,
        'nothing left on node A',
      );
      assert.equal(lb.open('A'), 0);

      // The same visit, in progress, never back to the waiting room nor admitted again.
      const res = await fetch(`${direct(nodeB)}/api/visits/${visitId}`, {
        headers: { authorization: `Bearer ${patientToken}` },
      });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { status?: string }).status, 'in-progress');
      const h1s = ((await patientPage.evaluate('window.__openvisitH1s')) as string[]).slice(h1sBefore);
      assert.deepEqual(h1s, [en['visit.call.title']], 'the patient’s page stayed on the call');
      // The clinician, on node B, never lost their socket.
      assert.equal(await clinicianPage.evaluate(LIVE_SOCKETS), clinicianSockets);
      assert.equal(await clinicianPage.evaluate(LIVE_OPEN), 1);
      assert.equal(await clinicianPage.evaluate('window.__openvisitReconnecting'), clinicianNoticesBefore);

      // Signaling runs on node B: the clinician restarts ICE when the patient rejoins (a new remote
      // ICE username fragment on the patient's side), and media flows both ways.
      await eventually(
        () => sample(patientPage),
        (s) =>
          s.peers === 1 &&
          s.remoteUfrags.length === 1 &&
          s.remoteUfrags[0] !== '' &&
          s.remoteUfrags[0] !== before.remoteUfrags[0],
        'an ICE restart negotiated through node B',
        MEDIA_WAIT_MS,
      );
      for (const page of [patientPage, clinicianPage]) {
        await page
          .getByRole('status')
          .filter({ hasText: en['visit.status.connected'] })
          .waitFor({ timeout: MEDIA_WAIT_MS });
        const f = await mediaFlowing(page, 'media after the resume on node B');
        assert.deepEqual(f.last.states, ['connected']);
      }

      // Node B counted a resume, and no new join (a resume is the same join).
      const b = await metricsOf(nodeB);
      assert.ok(metric(b, 'visit_reconnects_total') >= reconnectsB + 1, `visit_reconnects_total on B: ${b}`);
      assert.equal(metric(b, 'visit_join_attempts_total', '{role="patient"}'), 0, 'no new join');
      assert.equal(metric(b, 'visit_media_ready_total', '{role="patient"}'), 0, 'the same join’s media');
      assert.equal(metric(b, 'visit_connections'), onB + 1);
    });

    it('chat still crosses between the two sides, both now on node B', async () => {
      const say = async (from: Page, to: Page, text: string) => {
        await from.getByLabel(en['visit.chat.message']).fill(text);
        await from.getByRole('button', { name: en['visit.chat.send'] }).click();
        await to.getByRole('log').getByText(text).waitFor();
      };
      await say(patientPage, clinicianPage, 'Are you still there?');
      await say(clinicianPage, patientPage, 'Yes, still here.');
    });

    it('left no errors in either page', () => {
      assert.deepEqual(patientBrowser?.pageErrors, []);
      assert.deepEqual(clinicianBrowser?.pageErrors, []);
      assert.deepEqual(patientBrowser?.cspViolations, []);
      assert.deepEqual(clinicianBrowser?.cspViolations, []);
      assert.deepEqual(patientBrowser?.blocked, []);
      assert.deepEqual(clinicianBrowser?.blocked, []);
    });
  },
);
