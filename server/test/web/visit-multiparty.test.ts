import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { seedDemo } from '../../src/demo/seed.js';
import type { IceConfig } from '../../src/modules/visits/ice/index.js';
import { JanusMediaProvider } from '../../src/modules/visits/media/index.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { en } from '../../../web/src/i18n/en.js';
import { launchChromium, type ChromiumSession } from '../browser/support/chromium.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { JanusServer } from '../visits/janus-server.js';
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
 * A visit of three in three Chromiums against the real server and Debian's Janus: patient@demo and
 * Dr. Demo start 1:1 (peer to peer), the clinician invites an interpreter from the call, and a third
 * browser with no account opens the link, agrees to the camera and microphone and joins. The visit
 * moves to the SFU, and each page receives both others' audio and video over its subscriptions,
 * each in a tile labelled by role. The Encounter lists the interpreter; the link works once; the
 * guest sees the visit end.
 */

const keyring = [{ id: 'web-mp', key: crypto.randomBytes(32) }];
const ROOM_KEY = crypto.randomBytes(32).toString('base64url');
/** Between two stats samples of the subscriptions. */
const SAMPLE_GAP_MS = 2_500;

/** What one SFU subscription (a receiving connection) of a page got so far, by its tile's label. */
interface SubscriptionSample {
  /** The caption of the tile showing this connection's media (null: no tile shows it). */
  tile: string | null;
  state: string;
  audioBytes: number;
  videoFrames: number;
}

/**
 * The page's receiving connections to the SFU (`window.__openvisitPeers`, every transceiver
 * receive-only) with their inbound audio bytes and decoded video frames, each matched to the remote
 * tile whose `<video>`/`<audio>` plays its tracks (the same MediaStreamTrack objects). Also how many connections only send (publishers).
 */
const SFU_SAMPLE = `(async () => {
  const tiles = [...document.querySelectorAll('[data-testid="remote-tile"]')].map((fig) => ({
    label: ((fig.querySelector('figcaption') || {}).textContent || '').trim(),
    tracks: new Set(
      [...fig.querySelectorAll('video, audio')].flatMap((el) => (el.srcObject ? el.srcObject.getTracks() : [])),
    ),
  }));
  const pcs = (window.__openvisitPeers || []).filter((pc) => pc.connectionState !== 'closed');
  const out = { publishers: 0, subscriptions: [] };
  for (const pc of pcs) {
    const dirs = pc.getTransceivers().map((t) => t.currentDirection);
    if (dirs.length > 0 && dirs.every((d) => d === 'sendonly')) out.publishers += 1;
    if (dirs.length === 0 || !dirs.every((d) => d === 'recvonly')) continue;
    // By the track objects themselves: an SFU may give every subscription the same track ids.
    const tracks = pc.getReceivers().map((r) => r.track);
    const tile = tiles.find((t) => tracks.some((track) => t.tracks.has(track)));
    let audioBytes = 0;
    let videoFrames = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') audioBytes += r.bytesReceived || 0;
      if (r.type === 'inbound-rtp' && r.kind === 'video') videoFrames += r.framesDecoded || 0;
    });
    out.subscriptions.push({ tile: tile ? tile.label : null, state: pc.connectionState, audioBytes, videoFrames });
  }
  return out;
})()`;

/**
 * Keeps the `error` messages each page's visit socket receives on `window.__openvisitSocketErrors`
 * (this test's only; the app has no such list): a publish taken before the SFU link was open would
 * be refused with `not-sfu`.
 */
const SOCKET_ERRORS = `(() => {
  const Native = window.WebSocket;
  const errors = [];
  Object.defineProperty(window, '__openvisitSocketErrors', { value: errors });
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        try {
          const m = JSON.parse(e.data);
          if (m && m.t === 'error') errors.push(m.code);
        } catch {}
      });
    }
  };
})()`;

/** A Chromium with fake media that may reach `base` only; its pages' socket errors are kept. */
async function launch(base: string): Promise<ChromiumSession> {
  const session = await launchChromium({ allowedOrigins: [base], extraArgs: MEDIA_FLAGS });
  await session.context.addInitScript(SOCKET_ERRORS);
  return session;
}

type SfuSample = { publishers: number; subscriptions: SubscriptionSample[] };

/**
 * Two samples SAMPLE_GAP_MS apart, until (bounded) the media of every participant in `from` (tile
 * labels) grew on its subscription: audio bytes and video frames. Returns the growth by label.
 */
async function receivesFrom(
  page: Page,
  who: string,
  from: string[],
): Promise<Record<string, { audio: number; frames: number }>> {
  const deadline = Date.now() + MEDIA_WAIT_MS;
  for (;;) {
    const a = (await page.evaluate(SFU_SAMPLE)) as SfuSample;
    await sleep(SAMPLE_GAP_MS);
    const b = (await page.evaluate(SFU_SAMPLE)) as SfuSample;
    const growth: Record<string, { audio: number; frames: number }> = {};
    for (const sub of b.subscriptions) {
      const before = a.subscriptions.find((x) => x.tile === sub.tile);
      if (!sub.tile || !before) continue;
      growth[sub.tile] = {
        audio: sub.audioBytes - before.audioBytes,
        frames: sub.videoFrames - before.videoFrames,
      };
    }
    const ok =
      b.publishers === 1 &&
      b.subscriptions.length === from.length &&
      from.every((label) => (growth[label]?.audio ?? 0) > 0 && (growth[label]?.frames ?? 0) > 0);
    if (ok) return growth;
    assert.ok(
      Date.now() < deadline,
      `${who} receives audio and video from ${from.join(' and ')} over the SFU: ${JSON.stringify({ growth, b })}`,
    );
  }
}

describe(
  'a video visit of three: patient, clinician and an invited interpreter, over Janus',
  { timeout: 600_000 },
  () => {
    let s: TestServer;
    let base: string;
    let janus: JanusServer;
    let media: JanusMediaProvider;
    let patientBrowser: ChromiumSession | undefined;
    let clinicianBrowser: ChromiumSession | undefined;
    let guestBrowser: ChromiumSession | undefined;
    let patientPage: Page;
    let clinicianPage: Page;
    let guestPage: Page;
    let visitId: string;
    let patientName: string;
    let birthDate: string;
    let clinicianToken: string;
    let inviteLink: string;
    const ice: IceConfig = { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 600 };

    before(async () => {
      janus = await JanusServer.start();
      media = new JanusMediaProvider({
        url: janus.url,
        ...(janus.apiSecret !== undefined ? { apiSecret: janus.apiSecret } : {}),
        roomKey: ROOM_KEY,
      });
      s = await startTestServer({ security: { mode: 'secured', keyring }, visits: { ice, media } });
      base = s.fhir.replace(/\/fhir\/R4$/, '');
      const seeded = await seedDemo(s.tdb.db, new Envelope(keyring), {
        baseUrl: base,
        fhirBaseUrl: s.fhir,
        tenantSlug: 'tenant-a',
      });
      assert.ok(seeded);
      const patient = seeded.patients[0];
      assert.ok(patient);
      await bookVideoVisitNow(s, seeded, patient.id, 'visit-multiparty test');
      ({ birthDate, name: patientName } = await patientDetails(s, patient.id));
      const clinician = await clinicianOAuth(base, s.fhir);
      clinicianToken = clinician.token;

      [patientBrowser, clinicianBrowser] = await Promise.all([launch(base), launch(base)]);
      patientPage = await patientBrowser.context.newPage();
      await patientPage.goto(`${base}/app/`);
      await signInThroughApp(patientPage, 'patient@demo');
      await patientPage.waitForURL(`${base}/app/home`);
      clinicianPage = await clinicianBrowser.context.newPage();
      await signInClinician(clinicianPage, base, clinician);
      await clinicianBrowser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: base,
      });
    });

    after(async () => {
      await guestBrowser?.close();
      await patientBrowser?.close();
      await clinicianBrowser?.close();
      await s?.close();
      await media?.close();
      await janus?.dispose();
    });

    it('patient and clinician start 1:1, peer to peer', async () => {
      visitId = await checkInThroughApp(patientPage, birthDate);
      await clinicianPage.goto(`${base}/app/clinic/waiting-room`);
      await clinicianPage.getByRole('button', { name: `${en['visit.queue.admit']} ${patientName}` }).click();
      await clinicianPage.waitForURL(`${base}/app/visits/${visitId}`);
      for (const page of [patientPage, clinicianPage]) {
        await page
          .locator('[data-testid="call-status"][data-media-ready="yes"]')
          .waitFor({ timeout: MEDIA_WAIT_MS });
        await page.locator('[data-testid="call-grid"][data-mode="p2p"]').waitFor();
      }
      assert.equal(await patientPage.getByTestId('remote-tile').count(), 1);
    });

    it('the clinician invites an interpreter from the call: a one-time link with its expiry, to copy', async () => {
      const page = clinicianPage;
      await page.getByRole('button', { name: en['visit.invite.open'] }).click();
      const dialog = page.getByRole('dialog', { name: en['visit.invite.title'] });
      await dialog.waitFor();
      // Nothing chosen yet: said plainly, nothing made.
      await dialog.getByRole('button', { name: en['visit.invite.create'] }).click();
      await dialog.getByText(en['visit.invite.pickOne']).waitFor();
      await dialog.getByRole('radio', { name: en['visit.invite.kind.interpreter'] }).check();
      await dialog.getByRole('button', { name: en['visit.invite.create'] }).click();
      const linkInput = dialog.getByLabel(en['visit.invite.link']);
      await linkInput.waitFor();
      inviteLink = await linkInput.inputValue();
      assert.match(inviteLink, new RegExp(`^${base.replace(/[.]/g, '\\.')}/app/join#[A-Za-z0-9_-]{43}$`));
      await dialog.getByText(/^The link expires at .+\.$/).waitFor();
      await dialog.getByRole('button', { name: en['visit.invite.copy'] }).click();
      await dialog.getByRole('status').filter({ hasText: en['visit.invite.copied'] }).waitFor();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), inviteLink);
      await assertAccessible(page, 'visit-invite-dialog');
      await dialog.getByRole('button', { name: en['visit.invite.done'] }).click();
      await dialog.waitFor({ state: 'detached' });
    });

    it('the interpreter opens the link with no account: the token leaves the address bar, consent, then the call', async () => {
      guestBrowser = await launch(base);
      guestPage = await guestBrowser.context.newPage();
      await guestPage.goto(inviteLink);
      await guestPage.getByRole('heading', { level: 1, name: en['visit.guest.title'] }).waitFor();
      assert.equal(guestPage.url(), `${base}/app/join`, 'the token is gone from the address bar');
      assert.equal(await guestPage.evaluate('location.hash'), '');
      assert.ok(!(await guestPage.getByRole('button', { name: en['nav.signOut'] }).isVisible()));
      await assertAccessible(guestPage, 'visit-guest-consent');
      // Not without agreeing.
      await guestPage.getByRole('button', { name: en['visit.guest.join'] }).click();
      await guestPage.getByText(en['visit.guest.mustAgree']).waitFor();
      await guestPage.getByRole('checkbox', { name: en['visit.guest.consent'] }).check();
      await guestPage.getByRole('button', { name: en['visit.guest.join'] }).click();
      await guestPage
        .getByRole('heading', { level: 1, name: en['visit.videoTitle'] })
        .waitFor({ timeout: 15_000 });
      // No check-in, no waiting room for the guest; the call switches to the SFU for everyone.
      for (const page of [guestPage, patientPage, clinicianPage])
        await page.locator('[data-testid="call-grid"][data-mode="sfu"]').waitFor({ timeout: MEDIA_WAIT_MS });
    });

    it('all three receive audio and video from both others over the SFU, each in a tile labelled by role', async () => {
      const expected: [Page, string, string[]][] = [
        [patientPage, 'patient', [en['visit.role.clinician'], en['visit.role.interpreter']]],
        [clinicianPage, 'clinician', [en['visit.role.patient'], en['visit.role.interpreter']]],
        [guestPage, 'interpreter', [en['visit.role.patient'], en['visit.role.clinician']]],
      ];
      for (const [page, who, from] of expected) {
        const growth = await receivesFrom(page, who, from);
        assert.deepEqual(Object.keys(growth).sort(), [...from].sort(), who);
        // One tile per other participant, named by role only (never a name).
        const tiles = page.getByTestId('remote-tile');
        assert.equal(await tiles.count(), 2, `${who}: two remote tiles`);
        for (const label of from) {
          await page.getByRole('figure', { name: label, exact: true }).waitFor();
          await page.getByLabel(en['visit.videoOf'].replace('{name}', label), { exact: true }).waitFor();
        }
        await page.getByRole('status').filter({ hasText: en['visit.status.connected'] }).waitFor();
      }
      const guestText = await guestPage.locator('main').innerText();
      assert.ok(!guestText.includes(patientName), 'the guest sees roles, not names');
      await assertAccessible(guestPage, 'visit-guest-call');
      await assertAccessible(patientPage, 'visit-call-patient-multiparty');
      // Each side's publish was taken at once: it was on the SFU before it heard it should publish.
      for (const page of [patientPage, clinicianPage, guestPage])
        assert.deepEqual(await page.evaluate('window.__openvisitSocketErrors'), []);
    });

    it('the Encounter lists the interpreter (translator) with a period', async () => {
      const res = await fetch(`${s.fhir}/Encounter/${visitId}`, {
        headers: { authorization: `Bearer ${clinicianToken}`, accept: 'application/fhir+json' },
      });
      assert.equal(res.status, 200);
      const encounter = (await res.json()) as {
        participant?: { type?: { coding?: { code?: string }[] }[]; period?: { start?: string } }[];
      };
      const translators = (encounter.participant ?? []).filter((p) =>
        p.type?.some((t) => t.coding?.some((c) => c.code === 'translator')),
      );
      assert.equal(translators.length, 1, JSON.stringify(encounter.participant));
      const start = translators[0]?.period?.start;
      assert.ok(start && Number.isFinite(Date.parse(start)), 'the interpreter has a period start');
    });

    it('the link opened a second time says plainly it is not valid', async () => {
      assert.ok(guestBrowser);
      const again = await guestBrowser.context.newPage();
      try {
        await again.goto(inviteLink);
        await again.getByRole('checkbox', { name: en['visit.guest.consent'] }).check();
        await again.getByRole('button', { name: en['visit.guest.join'] }).click();
        await again
          .getByRole('heading', { level: 1, name: en['visit.guest.invalid'] })
          .waitFor({ timeout: 15_000 });
        await again.getByText(en['visit.guest.invalidBody']).waitFor();
        assert.equal(await again.getByTestId('remote-tile').count(), 0);
        await assertAccessible(again, 'visit-guest-invalid');
        // Its camera is released.
        await until(
          again,
          `(window.__openvisitPeers || []).length === 0`,
          'no peer connection for a refused link',
        );
      } finally {
        await again.close();
      }
      // The first page is still in the call.
      await guestPage.locator('[data-testid="call-grid"][data-mode="sfu"]').waitFor();
    });

    it('a reload of the guest page rejoins the call as the same guest, without a new link', async () => {
      await guestPage.reload();
      await guestPage.getByText(en['visit.guest.rejoinLead']).waitFor();
      assert.equal(guestPage.url(), `${base}/app/join`);
      await guestPage.getByRole('checkbox', { name: en['visit.guest.consent'] }).check();
      await guestPage.getByRole('button', { name: en['visit.guest.join'] }).click();
      await guestPage
        .locator('[data-testid="call-grid"][data-mode="sfu"]')
        .waitFor({ timeout: MEDIA_WAIT_MS });
      const expected: [Page, string, string[]][] = [
        [guestPage, 'interpreter', [en['visit.role.patient'], en['visit.role.clinician']]],
        [patientPage, 'patient', [en['visit.role.clinician'], en['visit.role.interpreter']]],
        [clinicianPage, 'clinician', [en['visit.role.patient'], en['visit.role.interpreter']]],
      ];
      // Each receives from exactly the two others again: the interpreter's old stream is gone.
      for (const [page, who, from] of expected) await receivesFrom(page, who, from);
      const res = await fetch(`${s.fhir}/Encounter/${visitId}`, {
        headers: { authorization: `Bearer ${clinicianToken}`, accept: 'application/fhir+json' },
      });
      assert.equal(res.status, 200);
      const encounter = (await res.json()) as {
        participant?: { type?: { coding?: { code?: string }[] }[] }[];
      };
      const translators = (encounter.participant ?? []).filter((p) =>
        p.type?.some((t) => t.coding?.some((c) => c.code === 'translator')),
      );
      assert.equal(translators.length, 1, 'the same guest, not a second one');
    });

    it('the clinician ends the visit: the guest sees a plain "The visit has ended", with no survey', async () => {
      await clinicianPage.getByRole('button', { name: en['visit.control.end'] }).click();
      const dialog = clinicianPage.getByRole('dialog', { name: en['visit.end.title'] });
      await dialog.getByRole('button', { name: en['visit.end.confirm'] }).click();
      await clinicianPage
        .getByRole('heading', { level: 1, name: en['visit.after.titleClinician'] })
        .waitFor();
      await guestPage
        .getByRole('heading', { level: 1, name: en['visit.guest.ended'] })
        .waitFor({ timeout: 15_000 });
      await guestPage.getByText(en['visit.guest.endedBody']).waitFor();
      assert.equal(await guestPage.getByRole('radio').count(), 0, 'no survey for a guest');
      await until(
        guestPage,
        `(window.__openvisitPeers || []).every((pc) => pc.connectionState === 'closed')`,
        "the guest's connections are closed",
      );
      await assertAccessible(guestPage, 'visit-guest-ended');
    });

    it('left no errors in any page', () => {
      for (const b of [patientBrowser, clinicianBrowser, guestBrowser]) {
        assert.deepEqual(b?.pageErrors, []);
        assert.deepEqual(b?.cspViolations, []);
        assert.deepEqual(b?.blocked, []);
      }
    });
  },
);
