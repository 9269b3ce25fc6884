import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { seedDemo, type DemoSeedResult } from '../../src/demo/seed.js';
import type { IceConfig } from '../../src/modules/visits/ice/index.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { en } from '../../../web/src/i18n/en.js';
import { launchChromium, type ChromiumSession } from '../browser/support/chromium.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startTurnServer, type TurnServer } from '../visits/turn-server.js';
import { assertAccessible, signInThroughApp } from './support.js';
import {
  bookVideoVisitNow,
  checkInThroughApp,
  clinicianOAuth,
  MEDIA_FLAGS,
  MEDIA_WAIT_MS,
  patientDetails,
  signInClinician,
  sleep,
  until,
} from './visit-support.js';

/**
 * A video visit in two Chromiums against the real server: patient@demo checks in through the app
 * and waits, clinician@demo (Dr. Demo) admits from the waiting room, and the call runs over real
 * WebRTC with Chromium's fake camera and microphone — both ways, through chat, audio only, a dropped
 * socket and a relay-only (TURN) leg — until the clinician ends it and the patient answers the
 * survey. Media is read from the pages' own RTCPeerConnections (`window.__openvisitPeers`).
 */

const keyring = [{ id: 'web', key: crypto.randomBytes(32) }];

/**
 * Keeps each WebSocket the page opens on `window.__openvisitSockets` (this test's only; the app has
 * no such list), so that the test can drop the visit socket under the app as a network would.
 */
const SOCKET_SPY = `(() => {
  const Native = window.WebSocket;
  const sockets = [];
  Object.defineProperty(window, '__openvisitSockets', { value: sockets });
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      sockets.push(this);
    }
  };
})()`;

/** Drops the page's newest open visit socket with an application code (not a "visit over" one). */
const DROP_SOCKET = `(() => {
  const open = window.__openvisitSockets.filter((s) => s.readyState === 1 && s.url.endsWith('/api/visits/live'));
  const last = open[open.length - 1];
  if (!last) return 0;
  last.close(4000, 'network drop (test)');
  return window.__openvisitSockets.length;
})()`;

const SOCKET_COUNT = `window.__openvisitSockets.filter((s) => s.url.endsWith('/api/visits/live')).length`;

interface MediaSample {
  peers: number;
  audioBytes: number;
  videoFrames: number;
  pairs: { local?: string; remote?: string; state?: string }[];
  states: string[];
}

/** What the page's live RTCPeerConnections received so far, and their selected candidate pairs. */
const MEDIA_SAMPLE = `(async () => {
  const pcs = (window.__openvisitPeers || []).filter((pc) => pc.connectionState !== 'closed');
  const out = { peers: pcs.length, audioBytes: 0, videoFrames: 0, pairs: [], states: pcs.map((pc) => pc.connectionState) };
  for (const pc of pcs) {
    const stats = await pc.getStats();
    const byId = new Map();
    stats.forEach((s) => byId.set(s.id, s));
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioBytes += s.bytesReceived || 0;
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.videoFrames += s.framesDecoded || 0;
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        const pair = byId.get(s.selectedCandidatePairId);
        if (!pair) return;
        out.pairs.push({
          local: byId.get(pair.localCandidateId)?.candidateType,
          remote: byId.get(pair.remoteCandidateId)?.candidateType,
          state: pair.state,
        });
      }
    });
  }
  return out;
})()`;

const sample = (page: Page) => page.evaluate(MEDIA_SAMPLE) as Promise<MediaSample>;

/** Two samples `gapMs` apart: how much audio and how many video frames came in between. */
async function flow(
  page: Page,
  gapMs = 2_500,
): Promise<{ audio: number; frames: number; last: MediaSample }> {
  const a = await sample(page);
  await sleep(gapMs);
  const b = await sample(page);
  return { audio: b.audioBytes - a.audioBytes, frames: b.videoFrames - a.videoFrames, last: b };
}

/** Waits (bounded) until `ok` holds of a flow measurement; the last measurement either way. */
async function flowUntil(
  page: Page,
  ok: (f: Awaited<ReturnType<typeof flow>>) => boolean,
  what: string,
  boundMs = MEDIA_WAIT_MS,
): Promise<Awaited<ReturnType<typeof flow>>> {
  const deadline = Date.now() + boundMs;
  let last = await flow(page);
  while (!ok(last)) {
    assert.ok(Date.now() < deadline, `${what}: ${JSON.stringify(last)}`);
    last = await flow(page);
  }
  return last;
}

describe('a video visit in the web app, patient and clinician in Chromium', { timeout: 600_000 }, () => {
  let s: TestServer;
  let base: string;
  let turn: TurnServer;
  let seeded: DemoSeedResult;
  let patientBrowser: ChromiumSession | undefined;
  let clinicianBrowser: ChromiumSession | undefined;
  let patientPage: Page;
  let clinicianPage: Page;
  let appointmentId: string;
  let visitId: string;
  let patientName: string;
  let birthDate: string;
  let clinicianToken: string;
  /** The server's ICE settings, kept by reference: the relay leg changes the policy in place. */
  const ice: IceConfig = { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 600 };

  before(async () => {
    turn = await startTurnServer();
    ice.turnUrls = [turn.url];
    ice.turnSecret = turn.secret;
    s = await startTestServer({ security: { mode: 'secured', keyring }, visits: { ice } });
    base = s.fhir.replace(/\/fhir\/R4$/, '');
    const result = await seedDemo(s.tdb.db, new Envelope(keyring), {
      baseUrl: base,
      fhirBaseUrl: s.fhir,
      tenantSlug: 'tenant-a',
    });
    assert.ok(result);
    seeded = result;
    const patient = seeded.patients[0];
    assert.ok(patient);
    appointmentId = await bookVideoVisitNow(s, seeded, patient.id, 'visit-call test');
    ({ birthDate, name: patientName } = await patientDetails(s, patient.id));
    // The clinician's own token (the Encounter is read as them), which also enrols their TOTP.
    const clinician = await clinicianOAuth(base, s.fhir);
    clinicianToken = clinician.token;

    const launch = async () => {
      const session = await launchChromium({ allowedOrigins: [base], extraArgs: MEDIA_FLAGS });
      await session.context.addInitScript(SOCKET_SPY);
      return session;
    };
    [patientBrowser, clinicianBrowser] = await Promise.all([launch(), launch()]);

    patientPage = await patientBrowser.context.newPage();
    await patientPage.goto(`${base}/app/`);
    await signInThroughApp(patientPage, 'patient@demo');
    await patientPage.waitForURL(`${base}/app/home`);

    // Dr. Demo signs in with the second factor enrolled above, one time step on (never reused).
    clinicianPage = await clinicianBrowser.context.newPage();
    await signInClinician(clinicianPage, base, clinician);
  });

  /** The call's heading: the patient's "Your video visit", the clinician's "Video visit". */
  const callTitle = (page: Page) => (page === patientPage ? en['visit.call.title'] : en['visit.videoTitle']);

  after(async () => {
    await patientBrowser?.close();
    await clinicianBrowser?.close();
    await s?.close();
    await turn?.stop();
  });

  it('the clinician opens their waiting room from the navigation: empty, and following the queue live', async () => {
    await clinicianPage.getByRole('link', { name: en['visit.nav.waitingRoom'] }).first().click();
    await clinicianPage.waitForURL(`${base}/app/clinic/waiting-room`);
    await clinicianPage.getByRole('heading', { level: 1, name: en['visit.queue.title'] }).waitFor();
    await clinicianPage.getByText(en['visit.queue.empty']).waitFor();
    await clinicianPage.getByText(en['visit.queue.live']).waitFor();
  });

  it('the patient joins from the appointment, checks in (date of birth, intake, consent, device test) and waits first in line', async () => {
    const page = patientPage;
    visitId = await checkInThroughApp(page, birthDate);

    // The waiting room: first in line with an estimated wait, announced in a live region.
    const place = page.getByRole('status').filter({ hasText: /in line/ });
    await place.waitFor();
    // About N minutes before the appointment's time; "a few minutes" once it has come.
    assert.match(
      await place.innerText(),
      /^You are number 1 in line\. Estimated wait: (about \d+ minutes|a few minutes at most)\.$/,
    );
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes('number 2'), 'a patient sees only their own place');
    await page.getByTestId('self-video').waitFor();
    await assertAccessible(page, 'visit-waiting-room');
  });

  it('the clinician hears the patient arrive (an alert and a chime) and sees their check-in in the list', async () => {
    const page = clinicianPage;
    const alert = page.getByRole('status').filter({ hasText: `${patientName} is waiting for you.` });
    await alert.waitFor({ timeout: 15_000 });
    const table = page.getByRole('region', { name: en['visit.queue.caption'] });
    const row = table.getByRole('row').filter({ hasText: patientName });
    await row.getByText(en['visit.queue.intakeDone']).waitFor();
    await row.getByText(en['visit.queue.device.ready']).waitFor();
    await assertAccessible(page, 'visit-clinician-waiting-room');
    assert.deepEqual(clinicianBrowser?.pageErrors, [], 'the chime never throws');
  });

  it('admits: both sides in the call, audio and video flowing both ways', async () => {
    await clinicianPage.getByRole('button', { name: `${en['visit.queue.admit']} ${patientName}` }).click();
    await clinicianPage.waitForURL(`${base}/app/visits/${visitId}`);
    for (const page of [patientPage, clinicianPage]) {
      await page.getByRole('heading', { level: 1, name: callTitle(page) }).waitFor({ timeout: 15_000 });
      await page
        .locator('[data-testid="call-status"][data-media-ready="yes"]')
        .waitFor({ timeout: MEDIA_WAIT_MS });
      await page.getByRole('status').filter({ hasText: en['visit.status.connected'] }).waitFor();
      await page.getByRole('timer').waitFor();
    }
    for (const page of [patientPage, clinicianPage]) {
      const f = await flowUntil(page, (x) => x.audio > 0 && x.frames > 0, 'audio and video both flowing');
      assert.equal(f.last.peers, 1, 'one peer connection in a 1:1 visit');
    }
    await assertAccessible(clinicianPage, 'visit-call-clinician');
    await assertAccessible(patientPage, 'visit-call-patient');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /visit_media_ready_total\{role="patient"\} 1/);
    assert.match(metrics, /visit_media_ready_total\{role="clinician"\} 1/);
  });

  it('carries chat both ways', async () => {
    const say = async (from: Page, to: Page, text: string) => {
      await from.getByLabel(en['visit.chat.message']).fill(text);
      await from.getByRole('button', { name: en['visit.chat.send'] }).click();
      await to.getByRole('log').getByText(text).waitFor();
      await from.getByRole('log').getByText(text).waitFor();
    };
    await say(patientPage, clinicianPage, 'Can you hear me well?');
    await say(clinicianPage, patientPage, 'Yes, loud and clear.');
  });

  it('switches to audio only: audio keeps flowing, video stops on both sides, and the Encounter records it', async () => {
    await clinicianPage.getByRole('button', { name: en['visit.control.audioOnly'] }).click();
    for (const page of [patientPage, clinicianPage]) {
      await page.locator('[data-testid="call-status"][data-modality="audio"]').waitFor();
      await page.getByRole('status').filter({ hasText: en['visit.notice.switched-audio'] }).waitFor();
      assert.equal(
        await page.getByRole('button', { name: en['visit.control.audioOnly'] }).getAttribute('aria-pressed'),
        'true',
      );
    }
    await sleep(1_500); // frames already on the way
    for (const page of [patientPage, clinicianPage]) {
      const f = await flow(page, 3_000);
      assert.ok(f.audio > 0, `audio keeps flowing: ${JSON.stringify(f)}`);
      assert.equal(f.frames, 0, `no video frames in audio only: ${JSON.stringify(f)}`);
      assert.equal(await page.getByTestId('remote-video').isVisible(), false);
    }
    const res = await fetch(`${s.fhir}/Encounter/${visitId}`, {
      headers: { authorization: `Bearer ${clinicianToken}`, accept: 'application/fhir+json' },
    });
    assert.equal(res.status, 200);
    const encounter = (await res.json()) as {
      extension?: { url: string; extension?: { valueCode?: string }[] }[];
    };
    const history = (encounter.extension ?? []).filter((e) => e.url === 'urn:openvisit:modality-history');
    assert.deepEqual(
      history.map((h) => h.extension?.[0]?.valueCode),
      ['video', 'audio'],
    );

    // And back to video: frames flow again both ways.
    await patientPage.getByRole('button', { name: en['visit.control.audioOnly'] }).click();
    for (const page of [patientPage, clinicianPage]) {
      await page.locator('[data-testid="call-status"][data-modality="video"]').waitFor();
      await flowUntil(page, (x) => x.frames > 0 && x.audio > 0, 'video back');
    }
  });

  it('resumes the call after the patient’s socket drops: no admission again, media flowing', async () => {
    const before = (await patientPage.evaluate(SOCKET_COUNT)) as number;
    await patientBrowser?.context.setOffline(true);
    assert.ok(((await patientPage.evaluate(DROP_SOCKET)) as number) > 0, 'the visit socket was open');
    await patientPage.getByText(en['visit.connection.reconnecting']).first().waitFor();
    await sleep(1_500);
    await patientBrowser?.context.setOffline(false);
    await until(patientPage, `${SOCKET_COUNT} > ${before}`, 'a new visit socket');
    await patientPage.getByText(en['visit.connection.reconnecting']).first().waitFor({ state: 'detached' });
    // Still the call (not the waiting room, not admitted again), both sides connected.
    for (const page of [patientPage, clinicianPage]) {
      await page.getByRole('heading', { level: 1, name: callTitle(page) }).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: en['visit.status.connected'] })
        .waitFor({ timeout: MEDIA_WAIT_MS });
      await flowUntil(page, (x) => x.audio > 0 && x.frames > 0, 'media after the resume');
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const reconnects = Number(/visit_reconnects_total (\d+)/.exec(metrics)?.[1] ?? 0);
    assert.ok(reconnects >= 1, `visit_reconnects_total ${reconnects}`);
    assert.match(metrics, /visit_media_ready_total\{role="patient"\} 1/, 'a resume is the same join');
  });

  it('goes relay-only when the deployment asks for it: both sides on TURN, media flowing', async () => {
    ice.transportPolicy = 'relay';
    // Each side learns the policy (and fresh TURN credentials) in the welcome of its next socket;
    // the clinician restarts ICE when it hears the patient back.
    for (const page of [clinicianPage, patientPage]) {
      const before = (await page.evaluate(SOCKET_COUNT)) as number;
      assert.ok(((await page.evaluate(DROP_SOCKET)) as number) > 0);
      await until(page, `${SOCKET_COUNT} > ${before}`, 'a new visit socket');
      await page.getByText(en['visit.connection.reconnecting']).first().waitFor({ state: 'detached' });
    }
    const deadline = Date.now() + MEDIA_WAIT_MS;
    for (const page of [patientPage, clinicianPage]) {
      let last = await sample(page);
      while (!(
        last.pairs.length === 1 &&
        last.pairs[0]?.local === 'relay' &&
        last.pairs[0]?.remote === 'relay'
      )) {
        assert.ok(Date.now() < deadline, `relay candidate pair on both ends: ${JSON.stringify(last)}`);
        await sleep(500);
        last = await sample(page);
      }
    }
    for (const page of [patientPage, clinicianPage])
      await flowUntil(page, (x) => x.audio > 0 && x.frames > 0, 'media through the relay');
    assert.ok(await turn.logged('ALLOCATE'), 'coturn allocated relays');
  });

  it('ends with next steps; the patient reads them and answers the survey', async () => {
    await clinicianPage.getByRole('button', { name: en['visit.control.end'] }).click();
    const dialog = clinicianPage.getByRole('dialog', { name: en['visit.end.title'] });
    await dialog.getByLabel(en['visit.end.nextSteps']).fill('Keep taking your medicine. Recheck in 2 weeks.');
    await dialog.getByRole('button', { name: en['visit.end.confirm'] }).click();

    await clinicianPage.getByRole('heading', { level: 1, name: en['visit.after.titleClinician'] }).waitFor();
    await patientPage
      .getByRole('heading', { level: 1, name: en['visit.after.title'] })
      .waitFor({ timeout: 15_000 });
    await patientPage.getByText('Keep taking your medicine. Recheck in 2 weeks.').waitFor();
    await assertAccessible(patientPage, 'visit-after-patient');
    await patientPage.getByRole('radio', { name: en['checkin.survey.score.5'] }).check();
    await patientPage.getByLabel(en['checkin.survey.comment']).fill('Easy to join.');
    await patientPage.getByRole('button', { name: en['checkin.survey.submit'] }).click();
    await patientPage.getByRole('status').filter({ hasText: en['visit.after.thanks'] }).waitFor();

    await clinicianPage.getByRole('radio', { name: en['checkin.survey.score.4'] }).check();
    await clinicianPage.getByRole('button', { name: en['checkin.survey.submit'] }).click();
    await clinicianPage.getByRole('status').filter({ hasText: en['visit.after.thanks'] }).waitFor();
    await assertAccessible(clinicianPage, 'visit-after-clinician');

    const res = await fetch(`${s.fhir}/Encounter/${visitId}`, {
      headers: { authorization: `Bearer ${clinicianToken}`, accept: 'application/fhir+json' },
    });
    const encounter = (await res.json()) as { status: string; appointment?: { reference: string }[] };
    assert.equal(encounter.status, 'finished');
    assert.equal(encounter.appointment?.[0]?.reference, `Appointment/${appointmentId}`);
    const surveys = await s.tdb.db.query<{ n: string }>(
      s.tdb.tenantA,
      `SELECT count(*) AS n FROM resource WHERE tenant_id = $1 AND res_type = 'QuestionnaireResponse'
         AND NOT deleted AND content::jsonb -> 'encounter' ->> 'reference' = $2`,
      [s.tdb.tenantA, `Encounter/${visitId}`],
    );
    // The intake and the two surveys.
    assert.equal(Number(surveys.rows[0]?.n), 3);
  });

  it('left no errors in either page', () => {
    assert.deepEqual(patientBrowser?.pageErrors, []);
    assert.deepEqual(clinicianBrowser?.pageErrors, []);
    assert.deepEqual(patientBrowser?.cspViolations, []);
    assert.deepEqual(clinicianBrowser?.cspViolations, []);
  });
});
