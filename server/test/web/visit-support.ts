import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { messages } from '../../src/auth/pages/messages.js';
import { TOTP_PERIOD_MS, totpCodeAt, totpStepAt } from '../../src/auth/credentials/totp.js';
import { demoAvailability, DEMO_VISIT_TYPES } from '../../src/demo/scheduling.js';
import { DEMO_PASSWORD, type DemoSeedResult } from '../../src/demo/seed.js';
import { bookVisit } from '../../src/modules/scheduling/booking/book.js';
import { en } from '../../../web/src/i18n/en.js';
import { OAuthBrowser } from '../auth/support/oauth-client.js';
import { schedulingFixture } from '../scheduling/support.js';
import type { TestServer } from '../support/server.js';

/**
 * What the video visit tests in Chromium share (visit-call, visit-multiparty): Chromium's fake
 * camera and microphone, a visit booked for now with Dr. Demo, the patient's check-in through the
 * app, the clinician's sign-in with their second factor, and bounded waits on the pages.
 */

export const MEDIA_FLAGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];
/** Bounds on what the pages take to do (media setup, ICE restarts) on a loaded 2-core machine. */
export const MEDIA_WAIT_MS = 30_000;
const SLOT_MS = 20 * 60_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (bounded) until a page expression is true. Polled with `evaluate` (DevTools), not
 * `waitForFunction`, which compiles strings in the page and so is refused by the app's CSP.
 */
export async function until(page: Page, expression: string, what: string, boundMs = 15_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await page.evaluate(expression))) {
    assert.ok(Date.now() < deadline, `${what} (waited ${boundMs} ms)`);
    await sleep(200);
  }
}

/**
 * Books `patientId` a 20-minute video visit with Dr. Demo starting near now (within its check-in
 * window), on the front desk's behalf. Dr. Demo works every day around the clock here, so that a
 * visit can start now, whatever the day and hour the test runs.
 */
export async function bookVideoVisitNow(
  s: TestServer,
  seeded: DemoSeedResult,
  patientId: string,
  bookedBy: string,
): Promise<string> {
  const videoVisit = DEMO_VISIT_TYPES.find((vt) => vt.id === 'primary-care-video-20');
  assert.ok(videoVisit);
  const f = await schedulingFixture(s.tdb, Date.now());
  const tenantId = s.tdb.tenantA;
  const [drDemo] = demoAvailability(seeded.clinicianPractitioner, seeded.nursePractitioner);
  assert.ok(drDemo);
  await s.tdb.db.transaction(tenantId, (q) =>
    f.services.config.saveClinician(q, tenantId, {
      ...drDemo,
      timeZone: 'UTC',
      rules: [
        {
          rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU',
          start: '00:00',
          end: '24:00',
          validFrom: '2026-01-01',
        },
      ],
      maxPerDay: 100,
    }),
  );
  const now = Date.now();
  let start = Math.floor(now / SLOT_MS) * SLOT_MS;
  if (now - start > 6 * 60_000) start += SLOT_MS;
  // Booked by the front desk two hours ahead (the visit type's notice), for a start near now.
  f.clock.ms = start - 2 * 3_600_000;
  const booked = await bookVisit(f.services, tenantId, {
    visitTypeId: videoVisit.id,
    practitionerId: seeded.clinicianPractitioner,
    start,
    patientId,
    modality: 'video',
    booker: 'front-desk',
    bookedBy,
  });
  return booked.appointmentId;
}

/** The patient's date of birth and name as stored (check-in asks for the one, the queue shows the other). */
export async function patientDetails(
  s: TestServer,
  patientId: string,
): Promise<{ birthDate: string; name: string }> {
  const tenantId = s.tdb.tenantA;
  const stored = await s.tdb.db.query<{ content: string }>(
    tenantId,
    `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2`,
    [tenantId, patientId],
  );
  const record = JSON.parse(stored.rows[0]?.content ?? '{}') as {
    birthDate?: string;
    name?: { text?: string; given?: string[]; family?: string }[];
  };
  assert.ok(record.birthDate);
  const n = record.name?.[0];
  return {
    birthDate: record.birthDate,
    name: n?.text ?? [...(n?.given ?? []), n?.family ?? ''].join(' ').trim(),
  };
}

/** clinician@demo's own token (to read the Encounter as them), which also enrols their TOTP. */
export async function clinicianOAuth(
  base: string,
  fhir: string,
): Promise<{ token: string; mfaSecret: string; totpUsed: number }> {
  const oauth = await new OAuthBrowser(base).signIn({
    clientId: 'openvisit-web',
    redirectUri: `${base}/app/callback`,
    scope: 'openid fhirUser user/*.cruds',
    username: 'clinician@demo',
    password: DEMO_PASSWORD,
    aud: fhir,
  });
  assert.ok(oauth.tokens && oauth.mfaSecret, oauth.error);
  return { token: oauth.tokens.access_token, mfaSecret: oauth.mfaSecret, totpUsed: totpStepAt(Date.now()) };
}

/** Dr. Demo signs in to the app with the second factor enrolled by `clinicianOAuth`, one time step on. */
export async function signInClinician(
  page: Page,
  base: string,
  mfa: { mfaSecret: string; totpUsed: number },
): Promise<void> {
  await page.goto(`${base}/app/`);
  await page.getByLabel(/^(Language|Idioma)$/).selectOption('en');
  await page.getByRole('button', { name: en['landing.signIn'] }).click();
  await page.getByLabel(messages.en.loginUsername).fill('clinician@demo');
  await page.getByLabel(messages.en.loginPassword).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: messages.en.loginSubmit }).click();
  await page.locator('#code').waitFor();
  const step = Math.max(totpStepAt(Date.now()), mfa.totpUsed + 1);
  while (step > totpStepAt(Date.now()) + 1) await sleep(500);
  await page.locator('#code').fill(totpCodeAt(mfa.mfaSecret, step * TOTP_PERIOD_MS));
  await page.getByRole('button', { name: messages.en.mfaVerifySubmit }).click();
  await page.getByRole('button', { name: messages.en.consentAllow, exact: true }).click();
  await page.waitForURL(`${base}/app/patients`);
}

/**
 * The signed-in patient joins their visit from the appointments and checks in through the app
 * (date of birth, intake, consent, device test) into the waiting room. Returns the visit's id.
 */
export async function checkInThroughApp(page: Page, birthDate: string): Promise<string> {
  await page.getByRole('link', { name: en['nav.appointments'] }).first().click();
  const upcoming = page.getByRole('region', { name: en['appts.upcoming'] });
  await upcoming.getByRole('link', { name: en['visit.join'] }).click();
  await page.waitForURL(/\/app\/visits\/[0-9a-f-]{36}$/);
  const visitId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  await page.getByRole('heading', { level: 1, name: en['visit.checkIn.title'] }).waitFor();

  // Step 1: date of birth.
  await page.getByLabel(en['visit.checkIn.birthDate']).fill(birthDate);
  await page.getByRole('button', { name: en['visit.checkIn.continue'] }).click();
  // Step 2: the intake questions.
  await page.getByRole('heading', { level: 2, name: en['checkin.intake.title'] }).waitFor();
  await page.getByLabel(en['checkin.intake.item.reason']).fill('Follow-up on my blood pressure');
  await page.getByRole('radio', { name: en['checkin.intake.answer.no-new-symptoms'] }).check();
  await page.getByLabel(en['checkin.intake.item.location']).fill('Massachusetts');
  await page.getByRole('radio', { name: en['checkin.intake.yes.callback-phone'] }).check();
  await page.getByRole('button', { name: en['checkin.intake.submit'] }).click();
  // Step 3: consent.
  await page.getByRole('heading', { level: 2, name: en['checkin.consent.title'] }).waitFor();
  await page.getByRole('checkbox', { name: en['checkin.consent.checkbox'] }).check();
  await page.getByRole('button', { name: en['checkin.consent.agree'] }).click();
  // Step 4: the device and network test, then check-in is sent.
  await page.getByRole('heading', { level: 2, name: en['checkin.device.title'] }).waitFor();
  await page.getByRole('button', { name: en['checkin.device.start'] }).click();
  await page.getByText(en['checkin.device.verdict.ready']).waitFor({ timeout: 45_000 });
  await page.getByRole('button', { name: en['checkin.device.continue'] }).click();
  await page.getByRole('heading', { level: 1, name: en['visit.waiting.title'] }).waitFor();
  return visitId;
}
