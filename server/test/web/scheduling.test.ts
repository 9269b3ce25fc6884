import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { DEMO_VISIT_TYPES } from '../../src/demo/scheduling.js';
import { DEMO_PASSWORD, seedDemo, type DemoSeedResult } from '../../src/demo/seed.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { addDays, localDate, weekdayOf, zonedInstant } from '../../../web/src/api/local-days.js';
import { en } from '../../../web/src/i18n/en.js';
import { es } from '../../../web/src/i18n/es.js';
import { formatCalendarDay } from '../../../web/src/i18n/format.js';
import { OAuthBrowser } from '../auth/support/oauth-client.js';
import { launchChromium, type ChromiumSession } from '../browser/support/chromium.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  assertAccessible,
  assertNoEnglish,
  signInStaffThroughApp,
  signInThroughApp,
  signOut,
} from './support.js';

const keyring = [{ id: 'web', key: crypto.randomBytes(32) }];
/** The demo clinicians work weekdays in New York; the browser shows times there too. */
const ZONE = 'America/New_York';
const VIDEO_VISIT = DEMO_VISIT_TYPES.find((vt) => vt.id === 'primary-care-video-20');
/** Configured names the pages show as data (English in both languages). */
const DATA_TEXTS = DEMO_VISIT_TYPES.map((vt) => vt.name);

interface StoredAppointment {
  id: string;
  status: string;
  start?: string;
  participant: { actor: { reference: string } }[];
  extension?: { url: string; valueCode: string }[];
  cancelationReason?: { text: string };
}

/** The first weekday on or after `date`. */
function weekdayFrom(date: string): string {
  let d = date;
  while (weekdayOf(d) > 4) d = addDays(d, 1);
  return d;
}

/** A time of day's accessible name as the app writes it ("9:00 AM", any space before AM). */
function timeName(hour: number, minute = 0): RegExp {
  const h = hour % 12 === 0 ? 12 : hour % 12;
  return new RegExp(`^${h}:${String(minute).padStart(2, '0')}\\s${hour < 12 ? 'AM' : 'PM'}$`);
}

/** `HH:MM` in New York on `date`, as the instant the server writes (`…Z`, to the second). */
function at(date: string, time: string): string {
  return new Date(zonedInstant(date, time, ZONE)).toISOString().replace('.000Z', 'Z');
}

describe('scheduling in the web app, in Chromium', { timeout: 300_000 }, () => {
  let s: TestServer;
  let base: string;
  let seeded: DemoSeedResult | null;
  let browser: ChromiumSession | undefined;
  // Test dates in New York, weekdays at least two days ahead (notice rules), one per story.
  const today = localDate(Date.now(), ZONE);
  const dayA = weekdayFrom(addDays(today, 2));
  const dayB = weekdayFrom(addDays(dayA, 1));
  const dayC = weekdayFrom(addDays(dayB, 1));
  const dayE = weekdayFrom(addDays(dayC, 1));
  const dayF = weekdayFrom(addDays(dayE, 1));
  const dayG = weekdayFrom(addDays(dayF, 1));

  before(async () => {
    s = await startTestServer({ security: { mode: 'secured', keyring } });
    base = s.fhir.replace(/\/fhir\/R4$/, '');
    seeded = await seedDemo(s.tdb.db, new Envelope(keyring), {
      baseUrl: base,
      fhirBaseUrl: s.fhir,
      tenantSlug: 'tenant-a',
    });
    browser = await launchChromium({ allowedOrigins: [base] });
  });

  after(async () => {
    await browser?.close();
    await s?.close();
  });

  /**
   * A new page signed in as `username`, at `landing` once in. The app shows times in New York (the
   * zone a user picks in their profile, kept by the browser), where the demo clinicians work. Staff
   * may sign in more than once: their TOTP secret is kept from the first time.
   */
  async function signedIn(username: string, landing: string): Promise<Page> {
    assert.ok(browser);
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${base}/app/`);
    await page.evaluate(`localStorage.setItem('openvisit.time-zone', ${JSON.stringify(ZONE)})`);
    if (['patient@demo', 'caregiver@demo'].includes(username)) await signInThroughApp(page, username);
    else await signInStaffThroughApp(page, username);
    await page.waitForURL(`${base}${landing}`);
    return page;
  }

  /** The Appointments of a patient as stored (the FHIR record the server writes). */
  async function appointmentsOf(patientId: string): Promise<StoredAppointment[]> {
    const res = await s.tdb.db.query<{ content: string }>(
      s.tdb.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Appointment' AND NOT deleted`,
      [s.tdb.tenantA],
    );
    return res.rows
      .map((r) => JSON.parse(r.content) as StoredAppointment)
      .filter((a) => a.participant.some((p) => p.actor.reference === `Patient/${patientId}`));
  }

  /** An access token for `username` as the web app gets one (user scopes), outside the browser. */
  async function tokenOf(username: string): Promise<string> {
    const signed = await new OAuthBrowser(base).signIn({
      clientId: 'openvisit-web',
      redirectUri: `${base}/app/callback`,
      scope: 'openid fhirUser user/*.cruds',
      username,
      password: DEMO_PASSWORD,
      aud: s.fhir,
    });
    assert.ok(signed.tokens, signed.error);
    return signed.tokens.access_token;
  }

  /** The schedule's table of one day ("Visits on Wednesday, November 25"). */
  const visitsOn = (page: Page, date: string): Locator =>
    page.getByRole('region', {
      name: en['sched.visitsOn'].replace('{day}', formatCalendarDay(date, 'en')),
    });

  /** Dr. Demo's availability as the server keeps it. */
  async function drDemoAvailability(): Promise<{
    rules: unknown[];
    timeOff: { start: number | string; end: number | string; reason?: string }[];
  }> {
    assert.ok(seeded);
    const res = await s.tdb.db.query<{ config: unknown }>(
      s.tdb.tenantA,
      'SELECT config FROM sched_clinician WHERE tenant_id = $1 AND practitioner_id = $2',
      [s.tdb.tenantA, seeded.clinicianPractitioner],
    );
    const config = res.rows[0]?.config;
    return (typeof config === 'string' ? JSON.parse(config) : config) as Awaited<
      ReturnType<typeof drDemoAvailability>
    >;
  }

  /** The toast region's message (a polite live region, always in the page). */
  const toast = (page: Page, text: string) =>
    page.getByRole('status', { name: en['toast.region'] }).getByText(text).waitFor();

  /** The group of one day's free times ("Wednesday, November 25"). */
  const dayGroup = (page: Page, date: string): Locator =>
    page.getByRole('group', { name: formatCalendarDay(date, 'en'), exact: true });

  /** Booking flow: service, visit type and clinician, each a button; then the week from `date`. */
  async function toTimes(page: Page, clinician: string, date: string, check?: string): Promise<void> {
    await page.getByRole('heading', { level: 2, name: en['book.chooseService'] }).waitFor();
    if (check) await assertAccessible(page, `${check}-service`);
    await page.getByRole('button', { name: en['serviceLine.primary-care'] }).click();
    await page.getByRole('heading', { level: 2, name: en['book.chooseVisitType'] }).waitFor();
    if (check) await assertAccessible(page, `${check}-visit-type`);
    await page.getByRole('button', { name: /^Primary care video visit/ }).click();
    await page.getByRole('heading', { level: 2, name: en['book.chooseClinician'] }).waitFor();
    await page.getByRole('button', { name: en['book.firstAvailable'] }).waitFor();
    if (check) await assertAccessible(page, `${check}-clinician`);
    await page.getByRole('button', { name: clinician, exact: true }).click();
    await showTimesFrom(page, date);
  }

  async function showTimesFrom(
    page: Page,
    date: string,
    heading: string = en['book.chooseTime'],
    level = 2,
  ): Promise<void> {
    await page.getByRole('heading', { level, name: heading }).waitFor();
    await page.getByLabel(en['book.from']).fill(date);
    await dayGroup(page, date).waitFor();
  }

  it('a patient books Dr. Demo, sees the visit, reschedules it and cancels it', async () => {
    assert.ok(browser && seeded && VIDEO_VISIT);
    const own = seeded.patients[0];
    assert.ok(own);
    const page = await signedIn('patient@demo', '/app/home');
    // Home: nothing booked yet, and the way to book.
    const next = page.getByRole('region', { name: en['home.nextVisits'] });
    await next.getByText(en['appts.noUpcoming']).waitFor();
    await page.getByRole('link', { name: en['nav.appointments'] }).first().click();
    await page.getByRole('heading', { level: 1, name: en['appts.title'] }).waitFor();
    await page.getByText(en['appts.noUpcoming']).waitFor();
    await assertAccessible(page, 'appointments-empty');
    await page.getByRole('main').getByRole('link', { name: en['appts.book'] }).click();
    await page.waitForURL(`${base}/app/appointments/book`);

    // Service → visit type → Dr. Demo → 9:00 on day A → confirm, meeting by phone.
    await toTimes(page, 'Dr. Demo', dayA, 'book');
    const nine = dayGroup(page, dayA).getByRole('radio', { name: timeName(9) });
    await nine.check();
    await assertAccessible(page, 'book-time');
    await page.getByRole('button', { name: en['book.continue'] }).click();
    await page.getByRole('heading', { level: 2, name: en['book.confirm'] }).waitFor();
    await page.getByRole('radio', { name: en['modality.audio'] }).check();
    await assertAccessible(page, 'book-confirm');
    await page.getByRole('button', { name: en['book.submit'] }).click();
    const refused = page.getByRole('alert').filter({ hasText: en['book.notOffered'] });
    await Promise.race([toast(page, en['book.done.booked']), refused.waitFor()]);
    assert.equal(
      await refused.count(),
      0,
      'the server refused (422) a time its own $find offered: Dr. Demo has two rules a day whose ' +
        'slot grids differ, and a zero-length search window (as $book checks one time) ends the ' +
        'search at the first grid that overshoots it (availability/clinician-slots.ts)',
    );
    await toast(page, en['book.done.booked']);
    await page.waitForURL(`${base}/app/appointments`);

    // The server has it: booked with Dr. Demo at 9:00 New York, by phone.
    let stored = await appointmentsOf(own.id);
    assert.equal(stored.length, 1, JSON.stringify(stored));
    const booked = stored[0]!;
    assert.equal(booked.status, 'booked');
    assert.equal(booked.start, at(dayA, '09:00'));
    assert.ok(
      booked.participant.some((p) => p.actor.reference === `Practitioner/${seeded?.clinicianPractitioner}`),
    );
    assert.equal(booked.extension?.find((e) => e.url === 'urn:openvisit:modality')?.valueCode, 'audio');

    // My appointments lists it: the day and time, the visit type, Dr. Demo, by phone.
    const upcoming = page.getByRole('region', { name: en['appts.upcoming'] });
    const card = upcoming.getByRole('listitem').filter({ hasText: 'Primary care video visit' });
    await card
      .getByText(`${en['appts.with'].replace('{name}', 'Dr. Demo')} · ${en['modality.audio']}`)
      .waitFor();
    assert.match(await card.getByRole('heading').innerText(), new RegExp(formatCalendarDay(dayA, 'en')));
    await assertAccessible(page, 'appointments');

    // Home's "Next visits" shows it and links to the visit's own page (where notices link).
    await page.getByRole('link', { name: en['nav.home'] }).first().click();
    await next.getByText('Primary care video visit').waitFor();
    await next.getByRole('link', { name: new RegExp(formatCalendarDay(dayA, 'en')) }).click();
    await page.waitForURL(`${base}/app/appointments/${booked.id}`);
    await page.getByRole('heading', { level: 1, name: en['appts.one'] }).waitFor();
    await page.getByRole('link', { name: en['appts.reschedule'] }).waitFor();
    await assertAccessible(page, 'appointment');

    // Reschedule: the same visit type, Dr. Demo already chosen; 10:00 the same day.
    await page.getByRole('link', { name: en['appts.reschedule'] }).click();
    await page.waitForURL(`${base}/app/appointments/book?reschedule=${booked.id}`);
    await page.getByRole('heading', { level: 1, name: en['book.moveTitle'] }).waitFor();
    await page.getByRole('heading', { level: 2, name: en['book.chooseClinician'] }).waitFor();
    await page.getByRole('button', { name: 'Dr. Demo', exact: true }).click();
    await showTimesFrom(page, dayA);
    assert.equal(
      await dayGroup(page, dayA)
        .getByRole('radio', { name: timeName(9) })
        .count(),
      0,
      'the visit’s own time is not free',
    );
    await dayGroup(page, dayA)
      .getByRole('radio', { name: timeName(10) })
      .check();
    await page.getByRole('button', { name: en['book.continue'] }).click();
    await page.getByRole('heading', { level: 2, name: en['book.confirmMove'] }).waitFor();
    await assertAccessible(page, 'reschedule-confirm');
    await page.getByRole('button', { name: en['book.moveSubmit'] }).click();
    await toast(page, en['book.done.moved']);
    await page.waitForURL(`${base}/app/appointments`);
    stored = await appointmentsOf(own.id);
    assert.equal(stored.length, 1, 'the same appointment, moved');
    assert.equal(stored[0]?.id, booked.id);
    assert.equal(stored[0]?.status, 'booked');
    assert.equal(stored[0]?.start, at(dayA, '10:00'));

    // Cancel, with a reason, after confirming in a dialog.
    await card.getByRole('button', { name: en['appts.cancel'] }).click();
    const dialog = page.getByRole('dialog', { name: en['appts.cancelTitle'] });
    await dialog.getByLabel(en['appts.cancelReason']).fill('Feeling better');
    await assertAccessible(page, 'cancel-dialog');
    await dialog.getByRole('button', { name: en['appts.cancelConfirm'] }).click();
    await toast(page, en['appts.cancelled']);
    await dialog.waitFor({ state: 'detached' });
    await upcoming.getByText(en['appts.noUpcoming']).waitFor();
    stored = await appointmentsOf(own.id);
    assert.equal(stored[0]?.status, 'cancelled');
    assert.equal(stored[0]?.cancelationReason?.text, 'Feeling better');
    // Past and cancelled, collapsed until asked for.
    const past = page.getByRole('region', { name: en['appts.past'] });
    await past.getByRole('button', { name: en['appts.showPast'].replace('{count}', '1') }).click();
    await past.getByText(en['apptStatus.cancelled'], { exact: true }).waitFor();
    await past.getByText(en['appts.reason'].replace('{reason}', 'Feeling better')).waitFor();
    await assertAccessible(page, 'appointments-past');

    // The same pages in Spanish, with no English left: My appointments and every booking step.
    // (A reload: the toasts shown in English before are gone; the choice of language stays.)
    await page.getByLabel(en['nav.language']).selectOption('es');
    await page.getByRole('heading', { level: 1, name: es['appts.title'] }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 2, name: es['appts.upcoming'] }).waitFor();
    await assertNoEnglish(page, 'appointments', DATA_TEXTS);
    await assertAccessible(page, 'appointments-es');
    await page.getByRole('main').getByRole('link', { name: es['appts.book'] }).click();
    await page.getByRole('heading', { level: 2, name: es['book.chooseService'] }).waitFor();
    await assertNoEnglish(page, 'book-service', DATA_TEXTS);
    await page.getByRole('button', { name: es['serviceLine.primary-care'] }).click();
    await page.getByRole('heading', { level: 2, name: es['book.chooseVisitType'] }).waitFor();
    await assertNoEnglish(page, 'book-visit-type', DATA_TEXTS);
    await page.getByRole('button', { name: /^Primary care video visit/ }).click();
    await page.getByRole('button', { name: es['book.firstAvailable'] }).click();
    await page.getByRole('heading', { level: 2, name: es['book.chooseTime'] }).waitFor();
    await page.getByLabel(es['book.from']).fill(dayA);
    const diaA = page.getByRole('group', { name: formatCalendarDay(dayA, 'es'), exact: true });
    await diaA.getByRole('radio').first().check();
    await assertNoEnglish(page, 'book-time', DATA_TEXTS);
    await assertAccessible(page, 'book-time-es');
    await page.getByRole('button', { name: es['book.continue'] }).click();
    await page.getByRole('heading', { level: 2, name: es['book.confirm'] }).waitFor();
    await assertNoEnglish(page, 'book-confirm', DATA_TEXTS);
    await assertAccessible(page, 'book-confirm-es');
    await page.getByLabel(es['nav.language']).selectOption('en');
    await page.getByRole('heading', { level: 2, name: en['book.confirm'] }).waitFor();
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    assert.deepEqual(browser.cspViolations, []);
    await page.close();
  });

  it('a clinician adds time off and the patient is no longer offered those times', async () => {
    assert.ok(browser && seeded);
    // Before: Dr. Demo offers 9:00 and 13:30 on day B.
    let page = await signedIn('patient@demo', '/app/home');
    await page.goto(`${base}/app/appointments/book`);
    await toTimes(page, 'Dr. Demo', dayB);
    await dayGroup(page, dayB)
      .getByRole('radio', { name: timeName(9) })
      .waitFor();
    await dayGroup(page, dayB)
      .getByRole('radio', { name: timeName(13, 30) })
      .waitFor();
    await signOut(page, base, en['nav.signOut']);
    await page.close();

    // Dr. Demo signs in (TOTP), opens the schedule, then hours and time off.
    page = await signedIn('clinician@demo', '/app/patients');
    await page.getByRole('link', { name: en['nav.schedule'] }).first().click();
    await page.getByRole('heading', { level: 1, name: en['sched.title'] }).waitFor();
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    await assertAccessible(page, 'schedule-day');
    await page.getByRole('button', { name: en['sched.week'] }).click();
    await page.getByRole('heading', { level: 2 }).nth(6).waitFor();
    await assertAccessible(page, 'schedule-week');
    await page.getByRole('link', { name: en['sched.hoursLink'] }).click();
    await page.getByRole('heading', { level: 1, name: en['hours.title'] }).waitFor();
    // The weekly hours as the demo has them: weekdays 9:00–12:30 and 13:30–17:00.
    const monday = page.getByRole('group', { name: 'Monday', exact: true });
    await monday.waitFor();
    assert.deepEqual(
      await monday
        .getByLabel(en['hours.from'])
        .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)),
      ['09:00', '13:30'],
    );
    await page
      .getByRole('group', { name: 'Sunday', exact: true })
      .getByText(en['hours.notWorking'])
      .waitFor();
    await assertAccessible(page, 'availability');
    const rulesBefore = (await drDemoAvailability()).rules;

    // Time off on day B, 9:00 to 12:30 (New York, the clinician's zone), for training.
    await page.getByRole('button', { name: en['hours.addTimeOff'] }).click();
    const timeOff = page.getByRole('group', { name: en['hours.timeOffNumber'].replace('{number}', '1') });
    await timeOff.getByLabel(en['hours.from']).fill(`${dayB}T09:00`);
    await timeOff.getByLabel(en['hours.to']).fill(`${dayB}T12:30`);
    await timeOff.getByLabel(en['hours.reason']).fill('Training');
    await assertAccessible(page, 'availability-time-off');
    await page.getByRole('button', { name: en['hours.save'] }).click();
    await toast(page, en['hours.saved']);
    const saved = await drDemoAvailability();
    assert.equal(saved.timeOff.length, 1);
    const off = saved.timeOff[0]!;
    assert.equal(new Date(off.start).toISOString(), new Date(at(dayB, '09:00')).toISOString());
    assert.equal(new Date(off.end).toISOString(), new Date(at(dayB, '12:30')).toISOString());
    assert.equal(off.reason, 'Training');
    assert.deepEqual(saved.rules, rulesBefore, 'the weekly hours are saved back unchanged');
    // The page shows what was saved: the time off is there.
    assert.equal(await timeOff.getByLabel(en['hours.reason']).inputValue(), 'Training');
    await signOut(page, base, en['nav.signOut']);
    await page.close();

    // After: the morning of day B is gone; the afternoon is still offered.
    page = await signedIn('patient@demo', '/app/home');
    await page.goto(`${base}/app/appointments/book`);
    await toTimes(page, 'Dr. Demo', dayB);
    const dayOfB = dayGroup(page, dayB);
    await dayOfB.getByRole('radio', { name: timeName(13, 30) }).waitFor();
    for (const [h, m] of [
      [9, 0],
      [10, 0],
      [12, 0],
    ] as const)
      assert.equal(await dayOfB.getByRole('radio', { name: timeName(h, m) }).count(), 0, `${h}:${m} is off`);
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('a waitlisted patient is offered a freed time and accepts it', async () => {
    assert.ok(browser && seeded);
    const [patientA, patientB] = seeded.patients;
    assert.ok(patientA && patientB);

    // Patient B (through their caregiver) books 8:00 on day C, the first clinician available.
    let page = await signedIn('caregiver@demo', '/app/home');
    await page.getByRole('link', { name: en['nav.appointments'] }).first().click();
    await page.getByRole('heading', { level: 1, name: en['appts.title'] }).waitFor();
    await page.getByText(en['appts.caregiverLead']).waitFor();
    await page.getByRole('main').getByRole('link', { name: en['appts.book'] }).click();
    await toTimes(page, en['book.firstAvailable'], dayC);
    await dayGroup(page, dayC)
      .getByRole('radio', { name: timeName(8) })
      .check();
    await page.getByRole('button', { name: en['book.continue'] }).click();
    await page.getByRole('button', { name: en['book.submit'] }).click();
    await toast(page, en['book.done.booked']);
    await page.waitForURL(`${base}/app/appointments`);
    const heldByB = (await appointmentsOf(patientB.id)).find((a) => a.status === 'booked');
    assert.equal(heldByB?.start, at(dayC, '08:00'));
    await signOut(page, base, en['nav.signOut']);
    await page.close();

    // Patient A finds no time that suits and joins the waitlist for day C.
    page = await signedIn('patient@demo', '/app/home');
    await page.goto(`${base}/app/appointments/book`);
    await toTimes(page, en['book.firstAvailable'], dayC);
    assert.equal(
      await dayGroup(page, dayC)
        .getByRole('radio', { name: timeName(8) })
        .count(),
      0,
    );
    const waitlist = page.getByRole('form', { name: en['book.waitlist'] });
    await waitlist.getByLabel(en['book.waitFrom']).fill(dayC);
    await waitlist.getByLabel(en['book.waitTo']).fill(dayC);
    await waitlist.getByRole('button', { name: en['book.waitlist'] }).click();
    await toast(page, en['book.done.waitlisted']);
    await page.waitForURL(`${base}/app/appointments`);
    const waiting = page.getByRole('region', { name: en['appts.waitlist'] });
    await waiting.getByText('Primary care video visit').waitFor();
    await waiting.getByText(en['appts.anyClinician']).waitFor();
    assert.ok((await appointmentsOf(patientA.id)).some((a) => a.status === 'waitlist'));
    await signOut(page, base, en['nav.signOut']);
    await page.close();

    // Patient B's caregiver cancels: the time is offered to patient A, held for them.
    page = await signedIn('caregiver@demo', '/app/home');
    await page.getByRole('link', { name: en['nav.appointments'] }).first().click();
    const cardB = page.getByRole('region', { name: en['appts.upcoming'] }).getByRole('listitem').first();
    await cardB.getByRole('button', { name: en['appts.cancel'] }).click();
    await page.getByRole('dialog').getByRole('button', { name: en['appts.cancelConfirm'] }).click();
    await toast(page, en['appts.cancelled']);
    assert.equal((await appointmentsOf(patientB.id)).find((a) => a.id === heldByB?.id)?.status, 'cancelled');
    await signOut(page, base, en['nav.signOut']);
    await page.close();

    // Patient A sees the offer, on its own page (where the notice links) and in My appointments.
    const offers = await s.tdb.db.query<{ id: string }>(
      s.tdb.tenantA,
      `SELECT id FROM sched_offer WHERE tenant_id = $1 AND status = 'open'`,
      [s.tdb.tenantA],
    );
    const offerId = offers.rows[0]?.id;
    assert.ok(offerId, 'an offer was made');
    page = await signedIn('patient@demo', '/app/home');
    await page.goto(`${base}/app/appointments/offers/${offerId}`);
    await page.getByRole('heading', { level: 1, name: en['appts.offerPage'] }).waitFor();
    await page.getByRole('button', { name: en['appts.accept'] }).waitFor();
    await assertAccessible(page, 'offer');
    await page.getByRole('link', { name: en['appts.all'] }).click();
    const offered = page.getByRole('region', { name: en['appts.offers'] });
    await offered.getByText(/^Held for you until /).waitFor();
    assert.match(
      await offered.getByRole('heading', { level: 3 }).innerText(),
      new RegExp(formatCalendarDay(dayC, 'en')),
    );
    await assertAccessible(page, 'appointments-offer');
    await offered.getByRole('button', { name: en['appts.accept'] }).click();
    await toast(page, en['appts.offerAccepted']);
    await offered.waitFor({ state: 'detached' });
    const upcoming = page.getByRole('region', { name: en['appts.upcoming'] });
    await upcoming.getByRole('heading', { name: new RegExp(formatCalendarDay(dayC, 'en')) }).waitFor();
    const mine = (await appointmentsOf(patientA.id)).filter((a) => a.status === 'booked');
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.start, at(dayC, '08:00'));
    // An answered offer's page says it is no longer open.
    await page.goto(`${base}/app/appointments/offers/${offerId}`);
    await page.getByText(en['appts.offerGone']).waitFor();
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('the front desk lands on the schedule, checks a patient in, and books for a patient', async () => {
    assert.ok(browser && seeded);
    const [patientA, patientB] = seeded.patients;
    assert.ok(patientA && patientB);
    const page = await signedIn('frontdesk@demo', '/app/schedule');
    await page.getByRole('heading', { level: 1, name: en['sched.title'] }).waitFor();
    // The front desk picks a clinician with hours: Nurse Demo, whose day C has patient A at 8:00.
    await page.getByLabel(en['sched.clinician']).selectOption({ label: 'Nurse Demo' });
    await page.getByLabel(en['sched.date']).fill(dayC);
    const table = page.getByRole('region', {
      name: en['sched.visitsOn'].replace('{day}', formatCalendarDay(dayC, 'en')),
    });
    const row = table.getByRole('row').filter({ hasText: patientA.name });
    await row.getByText(en['apptStatus.booked']).waitFor();
    await assertAccessible(page, 'schedule-front-desk');
    await row.getByRole('button', { name: new RegExp(`^${en['sched.checkIn']}`) }).click();
    await toast(page, en['sched.checkedIn']);
    await row.getByText(en['apptStatus.checked-in']).waitFor();
    assert.ok((await appointmentsOf(patientA.id)).some((a) => a.status === 'checked-in'));

    // Book for patient B: find them, then the same flow, first available on day E.
    await page.getByRole('link', { name: en['sched.bookLink'] }).click();
    await page.getByRole('heading', { level: 1, name: en['staffBook.title'] }).waitFor();
    await page.getByLabel(en['search.name']).fill(patientB.name.split(' ').slice(-1)[0] ?? '');
    await page.getByRole('button', { name: en['search.submit'] }).click();
    const pick = page.getByRole('button', { name: en['staffBook.bookFor'].replace('{name}', patientB.name) });
    await pick.waitFor();
    await assertAccessible(page, 'staff-book-search');
    await pick.click();
    await page.getByText(en['staffBook.bookingFor'].replace('{name}', patientB.name)).waitFor();
    await toTimes(page, en['book.firstAvailable'], dayE, 'staff-book');
    await dayGroup(page, dayE)
      .getByRole('radio', { name: timeName(11) })
      .check();
    await page.getByRole('button', { name: en['book.continue'] }).click();
    await page.getByRole('button', { name: en['book.submit'] }).click();
    await toast(page, en['staffBook.done.booked']);
    await page.waitForURL(`${base}/app/schedule`);
    const forB = (await appointmentsOf(patientB.id)).filter((a) => a.status === 'booked');
    assert.deepEqual(
      forB.map((a) => a.start),
      [at(dayE, '11:00')],
    );
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('the front desk opens a visit from the schedule, moves it to another clinician, and cancels it', async () => {
    assert.ok(browser && seeded);
    const own = seeded.patients[0];
    assert.ok(own);
    // Patient A has booked Dr. Demo at 9:00 on day G (through the API, as the portal would).
    const booked = await s.request(
      'POST',
      '/Appointment/$book',
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'visit-type', valueString: 'primary-care-video-20' },
          { name: 'practitioner', valueString: `Practitioner/${seeded.clinicianPractitioner}` },
          { name: 'start', valueDateTime: at(dayG, '09:00') },
        ],
      },
      { authorization: `Bearer ${await tokenOf('patient@demo')}` },
    );
    assert.equal(booked.status, 201, booked.text);
    const visitId = (booked.body as { id: string }).id;

    // The front desk (signing in again) finds it on Dr. Demo's day G and opens it.
    const page = await signedIn('frontdesk@demo', '/app/schedule');
    await page.getByLabel(en['sched.clinician']).selectOption({ label: 'Dr. Demo' });
    await page.getByLabel(en['sched.date']).fill(dayG);
    const row = visitsOn(page, dayG).getByRole('row').filter({ hasText: own.name });
    await row.getByText(en['apptStatus.booked']).waitFor();
    await row.getByRole('link', { name: new RegExp(`^${en['sched.open']}: ${own.name}`) }).click();
    await page.waitForURL(`${base}/app/schedule/visits/${visitId}`);
    await page.getByRole('heading', { level: 1, name: en['visit.title'] }).waitFor();
    const when = page.getByRole('heading', { level: 2 });
    assert.match(await when.innerText(), new RegExp(formatCalendarDay(dayG, 'en')));
    await page.getByText(own.name, { exact: true }).waitFor();
    await page.getByText('Dr. Demo', { exact: true }).waitFor();
    await assertAccessible(page, 'schedule-visit');

    // Reschedule: the same visit type, to Nurse Demo at 8:00 the same day.
    await page.getByRole('link', { name: en['appts.reschedule'] }).click();
    await page.waitForURL(`${base}/app/schedule/book?reschedule=${visitId}`);
    await page.getByRole('heading', { level: 1, name: en['staffBook.moveTitle'] }).waitFor();
    await page.getByRole('heading', { level: 2, name: en['book.chooseClinician'] }).waitFor();
    await page.getByRole('button', { name: 'Nurse Demo', exact: true }).waitFor();
    await assertAccessible(page, 'schedule-move-clinician');
    await page.getByRole('button', { name: 'Nurse Demo', exact: true }).click();
    await showTimesFrom(page, dayG);
    await dayGroup(page, dayG)
      .getByRole('radio', { name: timeName(8) })
      .check();
    await page.getByRole('button', { name: en['book.continue'] }).click();
    await page.getByRole('heading', { level: 2, name: en['book.staffConfirmMove'] }).waitFor();
    await page.getByText('Nurse Demo', { exact: true }).waitFor();
    await assertAccessible(page, 'schedule-move-confirm');
    await page.getByRole('button', { name: en['book.staffMoveSubmit'] }).click();
    await toast(page, en['staffBook.done.moved']);
    await page.waitForURL(`${base}/app/schedule/visits/${visitId}`);
    await page.getByText('Nurse Demo', { exact: true }).waitFor();
    let stored = (await appointmentsOf(own.id)).find((a) => a.id === visitId);
    assert.equal(stored?.status, 'booked');
    assert.equal(stored?.start, at(dayG, '08:00'));
    assert.ok(
      stored?.participant.some((p) => p.actor.reference === `Practitioner/${seeded?.nursePractitioner}`),
      'moved to Nurse Demo',
    );

    // Cancel, with a reason; the page then shows it cancelled and the focus is on the visit.
    await page.getByRole('button', { name: en['appts.cancel'] }).click();
    const dialog = page.getByRole('dialog', { name: en['appts.cancelTitle'] });
    await dialog.getByLabel(en['appts.cancelReason']).fill('Clinician unavailable');
    await assertAccessible(page, 'schedule-cancel-dialog');
    await dialog.getByRole('button', { name: en['appts.cancelConfirm'] }).click();
    await toast(page, en['visit.cancelled']);
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(en['apptStatus.cancelled'], { exact: true }).waitFor();
    await page.getByText('Clinician unavailable', { exact: true }).waitFor();
    await page.getByText(en['visit.noChanges']).waitFor();
    assert.equal(await page.getByRole('button', { name: en['appts.cancel'] }).count(), 0);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document
          .activeElement?.id === 'visit-when',
    );
    stored = (await appointmentsOf(own.id)).find((a) => a.id === visitId);
    assert.equal(stored?.status, 'cancelled');
    assert.equal(stored?.cancelationReason?.text, 'Clinician unavailable');
    await assertAccessible(page, 'schedule-visit-cancelled');

    // The same page in Spanish, with no English left.
    await page.getByLabel(en['nav.language']).selectOption('es');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: es['visit.title'] }).waitFor();
    await page.getByText(es['visit.noChanges']).waitFor();
    await assertNoEnglish(page, 'schedule-visit', DATA_TEXTS);
    await page.getByLabel(es['nav.language']).selectOption('en');

    // Back to the schedule: Nurse Demo's day G, where the visit shows as cancelled.
    await page.getByRole('link', { name: en['visit.back'] }).click();
    await page.waitForURL((url) => url.pathname === '/app/schedule');
    assert.equal(await page.getByLabel(en['sched.clinician']).inputValue(), seeded.nursePractitioner);
    await visitsOn(page, dayG)
      .getByRole('row')
      .filter({ hasText: own.name })
      .getByText(en['apptStatus.cancelled'])
      .waitFor();
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('staff plan a group session, a patient joins it, and staff see the place taken', async () => {
    assert.ok(browser && seeded);
    const own = seeded.patients[0];
    assert.ok(own);
    // Nurse Demo plans a diabetes education session on day F at 10:00, from her schedule.
    let page = await signedIn('nurse@demo', '/app/patients');
    await page.getByRole('link', { name: en['nav.schedule'] }).first().click();
    await page.getByRole('heading', { level: 1, name: en['sched.title'] }).waitFor();
    await page.getByRole('link', { name: en['sched.sessionsLink'] }).click();
    await page.getByRole('heading', { level: 1, name: en['sessions.title'] }).waitFor();
    await page.getByText(en['sessions.none']).waitFor();
    await page.getByLabel(en['sessions.visitType']).selectOption({ label: 'Diabetes education group' });
    await page
      .getByText(en['sessions.capacity'].replace('{capacity}', '8').replace('{minutes}', '60'))
      .waitFor();
    await showTimesFrom(page, dayF, en['sessions.chooseTime'], 3);
    await dayGroup(page, dayF)
      .getByRole('radio', { name: timeName(10) })
      .check();
    await assertAccessible(page, 'group-sessions-plan');
    await page.getByRole('button', { name: en['sessions.submit'] }).click();
    await toast(page, en['sessions.planned']);
    const planned = page.getByRole('region', { name: en['sessions.caption'] });
    const sessionRow = planned.getByRole('row').filter({ hasText: formatCalendarDay(dayF, 'en') });
    await sessionRow
      .getByText(en['sessions.seats'].replace('{taken}', '0').replace('{capacity}', '8'))
      .waitFor();
    await sessionRow.getByText(en['sessions.left'].replace('{left}', '8')).waitFor();
    // The time is the session's now: the picker, asked again, no longer offers it.
    await dayGroup(page, dayF).waitFor();
    assert.equal(
      await dayGroup(page, dayF)
        .getByRole('radio', { name: timeName(10) })
        .count(),
      0,
    );
    await assertAccessible(page, 'group-sessions');
    const res = await s.tdb.db.query<{ content: string }>(
      s.tdb.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Appointment' AND NOT deleted`,
      [s.tdb.tenantA],
    );
    const sessions = res.rows
      .map((r) => JSON.parse(r.content) as StoredAppointment)
      .filter((a) => a.start === at(dayF, '10:00') && a.participant.length === 1);
    assert.equal(sessions.length, 1, 'one session planned');
    assert.equal(sessions[0]?.participant[0]?.actor.reference, `Practitioner/${seeded.nursePractitioner}`);
    // In Spanish, no English left.
    await page.getByLabel(en['nav.language']).selectOption('es');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: es['sessions.title'] }).waitFor();
    await page.getByRole('region', { name: es['sessions.caption'] }).waitFor();
    await assertNoEnglish(page, 'group-sessions', DATA_TEXTS);
    await assertAccessible(page, 'group-sessions-es');
    await page.getByLabel(es['nav.language']).selectOption('en');
    await signOut(page, base, en['nav.signOut']);
    await page.close();

    // The patient sees the session with its places left, and joins it.
    page = await signedIn('patient@demo', '/app/home');
    await page.goto(`${base}/app/appointments/book`);
    await page.getByRole('button', { name: en['serviceLine.primary-care'] }).click();
    await page.getByRole('button', { name: /^Diabetes education group/ }).click();
    await page.getByRole('heading', { level: 2, name: en['book.chooseSession'] }).waitFor();
    const session = page.getByRole('listitem').filter({ hasText: formatCalendarDay(dayF, 'en') });
    await session.getByText(en['book.seatsLeft'].replace('{left}', '8').replace('{capacity}', '8')).waitFor();
    await session.getByText('Nurse Demo').waitFor();
    await assertAccessible(page, 'book-sessions');
    await session.getByRole('button', { name: en['book.join'] }).click();
    await toast(page, en['book.done.joined']);
    await page.waitForURL(`${base}/app/appointments`);
    const seat = (await appointmentsOf(own.id)).find((a) => a.start === at(dayF, '10:00'));
    assert.equal(seat?.status, 'booked');
    await page
      .getByRole('region', { name: en['appts.upcoming'] })
      .getByText('Diabetes education group')
      .waitFor();
    await signOut(page, base, en['nav.signOut']);
    await page.close();

    // The front desk sees the place taken on Nurse Demo's sessions.
    page = await signedIn('frontdesk@demo', '/app/schedule');
    await page.getByRole('link', { name: en['sched.sessionsLink'] }).click();
    await page.getByRole('heading', { level: 1, name: en['sessions.title'] }).waitFor();
    await page.getByLabel(en['sched.clinician']).selectOption({ label: 'Nurse Demo' });
    const taken = page
      .getByRole('region', { name: en['sessions.caption'] })
      .getByRole('row')
      .filter({ hasText: formatCalendarDay(dayF, 'en') });
    await taken.getByText(en['sessions.seats'].replace('{taken}', '1').replace('{capacity}', '8')).waitFor();
    await taken.getByText(en['sessions.left'].replace('{left}', '7')).waitFor();
    await assertAccessible(page, 'group-sessions-front-desk');
    // And on the schedule of that day, where the session row links from the list.
    await taken.getByRole('link', { name: new RegExp(`^${en['sessions.show']}`) }).click();
    await visitsOn(page, dayF)
      .getByText(en['sched.groupSession'].replace('{taken}', '1').replace('{capacity}', '8'))
      .waitFor();
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('picks a time and books by keyboard alone, the focus always visible', async () => {
    assert.ok(browser && seeded);
    const own = seeded.patients[0];
    assert.ok(own);
    const page = await signedIn('patient@demo', '/app/home');
    await page.goto(`${base}/app/appointments/book`);
    await toTimes(page, en['book.firstAvailable'], dayE);
    const focused = () =>
      page.evaluate(() => {
        const g = globalThis as unknown as {
          document: {
            activeElement: {
              tagName: string;
              textContent: string | null;
              getAttribute(n: string): string | null;
            } | null;
          };
          getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string; boxShadow: string };
        };
        const el = g.document.activeElement;
        if (!el) return { text: '', tag: '', name: '', type: '', visible: false };
        const style = g.getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        // A date field's calendar button is a stop of its own inside the field (the field itself
        // is then not :focus); app.css outlines that button, which no computed style shows.
        const pickerButton =
          /^(date|time|datetime-local)$/.test(el.getAttribute('type') ?? '') &&
          !(el as unknown as { matches(s: string): boolean }).matches(':focus');
        return {
          text: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
          tag: el.tagName,
          name: el.getAttribute('name') ?? '',
          type: el.getAttribute('type') ?? '',
          visible: outline || style.boxShadow !== 'none' || pickerButton,
        };
      });
    /** Tabs forward until `until` holds (at most `limit` presses); every stop shows its focus. */
    const tabUntil = async (until: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        assert.ok(f.visible, `focus on "${f.text}" (${f.tag} ${f.type} ${f.name}) is visible`);
        if (until(f)) return;
      }
      assert.fail(`${what} not reached by Tab`);
    };
    // From the step's heading: Tab into day E's times (one stop per day), arrow to the second time.
    await page.getByRole('heading', { level: 2, name: en['book.chooseTime'] }).focus();
    await tabUntil((f) => f.type === 'radio' && f.name === `slot-${dayE}`, 'a time of day E');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    const chosen = dayGroup(page, dayE).getByRole('radio', { checked: true });
    const label = (
      await chosen.evaluate(
        (e) => (e as unknown as { parentElement: { textContent: string } }).parentElement.textContent,
      )
    ).trim();
    await tabUntil((f) => f.text === en['book.continue'], 'Continue');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: en['book.confirm'] }).waitFor();
    await tabUntil((f) => f.text === en['book.submit'], 'Book this visit');
    await page.keyboard.press('Enter');
    await toast(page, en['book.done.booked']);
    await page.waitForURL(`${base}/app/appointments`);
    const upcoming = page.getByRole('region', { name: en['appts.upcoming'] });
    await upcoming.getByRole('heading', { name: new RegExp(formatCalendarDay(dayE, 'en')) }).waitFor();
    const heading = await upcoming
      .getByRole('heading', { name: new RegExp(formatCalendarDay(dayE, 'en')) })
      .innerText();
    assert.ok(heading.replace(/\s/g, ' ').includes(label.replace(/\s/g, ' ')), `${heading} is at ${label}`);
    const booked = (await appointmentsOf(own.id)).filter(
      (a) => a.status === 'booked' && a.start?.startsWith(dayE.slice(0, 4)),
    );
    assert.ok(booked.some((a) => localDate(Date.parse(a.start ?? ''), ZONE) === dayE));
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });
});
