import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { messages } from '../../src/auth/pages/messages.js';
import { DEMO_PASSWORD, seedDemo, type DemoSeedResult } from '../../src/demo/seed.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { totpCodeAt } from '../../src/auth/credentials/totp.js';
import { en } from '../../../web/src/i18n/en.js';
import { es } from '../../../web/src/i18n/es.js';
import {
  describeViolations,
  launchChromium,
  runAxe,
  screenshots,
  type ChromiumSession,
} from '../browser/support/chromium.js';
import { startTestServer, type TestServer } from '../support/server.js';

const keyring = [{ id: 'web', key: crypto.randomBytes(32) }];

/**
 * From the app's front page (in English; the language picked earlier is remembered by the browser)
 * through the sign-in pages as `username`, allowing the app; staff enrol TOTP on the way.
 */
async function signInThroughApp(page: Page, username: string): Promise<void> {
  await page.getByLabel(/^(Language|Idioma)$/).selectOption('en');
  await page.getByRole('button', { name: en['landing.signIn'] }).click();
  await page.getByLabel(messages.en.loginUsername).fill(username);
  await page.getByLabel(messages.en.loginPassword).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: messages.en.loginSubmit }).click();
  if (username !== 'patient@demo') {
    const secret = (await page.locator('figure.secret code').innerText()).replace(/\s/g, '');
    await page.locator('#code').fill(totpCodeAt(secret, Date.now()));
    await page.getByRole('button', { name: messages.en.mfaEnrollSubmit }).click();
  }
  await page.getByRole('button', { name: messages.en.consentAllow, exact: true }).click();
}

/** Signs out through the app; the provider's logout page asks once to confirm. */
async function signOut(page: Page, base: string, label: string): Promise<void> {
  await page.getByRole('button', { name: label }).click();
  await page.waitForURL((url) => url.pathname === '/app/' || url.pathname.startsWith('/oauth/session/end'));
  if (new URL(page.url()).pathname.startsWith('/oauth/session/end')) {
    await page.getByRole('button').first().click();
    await page.waitForURL(`${base}/app/`);
  }
}

async function assertAccessible(page: Page, name: string): Promise<void> {
  const violations = await runAxe(page);
  assert.deepEqual(violations, [], `${name}: ${describeViolations(violations)}`);
  await screenshots(page, `web-${name}`);
}

describe('the web app: a patient signs in and sees their own record', { timeout: 120_000 }, () => {
  let s: TestServer;
  let base: string;
  let seeded: DemoSeedResult | null;
  let browser: ChromiumSession | undefined;

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
  /** A new page signed in as `username` from a signed-out start, at `landing` once in. */
  async function signedIn(session: ChromiumSession, username: string, landing: string): Promise<Page> {
    // Each test starts signed out: no sign-in session of the one before.
    await session.context.clearCookies();
    const page = await session.context.newPage();
    await page.goto(`${base}/app/`);
    await signInThroughApp(page, username);
    await page.waitForURL(`${base}${landing}`);
    return page;
  }

  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs in with PKCE, shows the patient only their record, switches to Spanish and signs out', async () => {
    assert.ok(browser && seeded);
    const [own, other] = seeded.patients;
    assert.ok(own && other);
    // Each test starts signed out: no sign-in session of the one before.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    const fhirRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(s.fhir)) fhirRequests.push(r.url().slice(s.fhir.length));
    });

    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/app/', '/ leads to the app');
    await page.getByRole('heading', { level: 1, name: en['landing.title'] }).waitFor();
    await assertAccessible(page, 'landing');

    await page.getByRole('button', { name: en['landing.signIn'] }).click();
    await page.waitForURL(/\/oauth\/interaction\//);
    const authorize = new URL(page.url());
    assert.equal(authorize.origin, base, 'the sign-in pages are on the same origin');
    await page.getByLabel(messages.en.loginUsername).fill('patient@demo');
    await page.getByLabel(messages.en.loginPassword).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: messages.en.loginSubmit }).click();
    const allow = page.getByRole('button', { name: messages.en.consentAllow, exact: true });
    await allow.click();

    await page.waitForURL(`${base}/app/home`);
    const firstName = own.name.split(' ')[0] ?? '';
    await page
      .getByRole('heading', { level: 1, name: en['home.greeting'].replace('{name}', firstName) })
      .waitFor();
    await page.getByRole('heading', { name: own.name }).waitFor();
    await page.getByRole('heading', { name: en['record.conditions'] }).waitFor();
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes(other.name), 'nothing of another patient is shown');
    assert.ok(fhirRequests.includes(`/Patient/${own.id}`), fhirRequests.join('\n'));
    assert.ok(
      fhirRequests.every((r) => !r.includes(other.id)),
      `the app asked only for its own patient: ${fhirRequests.join('\n')}`,
    );
    await assertAccessible(page, 'patient-home');

    // The whole record, part by part, each read in the patient's own compartment.
    await page.getByRole('link', { name: en['nav.record'], exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: en['record.title'] }).waitFor();
    await page.getByRole('heading', { name: en['record.conditions'] }).waitFor();
    await assertAccessible(page, 'record-overview');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: en['record.download'] }).click(),
    ]);
    const saved = await download.path();
    const bundle = JSON.parse(fs.readFileSync(saved, 'utf8')) as {
      resourceType: string;
      entry: { resource: { resourceType: string; id: string } }[];
    };
    assert.equal(bundle.resourceType, 'Bundle');
    assert.ok(bundle.entry.some((e) => e.resource.resourceType === 'Patient' && e.resource.id === own.id));
    assert.ok(bundle.entry.length > 20, `the whole Synthea record: ${bundle.entry.length} resources`);
    assert.ok(
      !fs.readFileSync(saved, 'utf8').includes(other.id),
      'nothing of another patient in the download',
    );
    for (const [tab, name] of [
      ['record.results', 'record-results'],
      ['record.immunizations', 'record-immunizations'],
      ['record.documents', 'record-documents'],
    ] as const) {
      await page.getByRole('tab', { name: en[tab] }).click();
      const panel = page.getByRole('tabpanel');
      await panel.locator('table, p').first().waitFor();
      await assertAccessible(page, name);
    }
    await page.getByRole('tab', { name: en['record.immunizations'] }).click();
    const vaccines = await page.getByRole('tabpanel').getByRole('row').count();
    assert.ok(vaccines > 1, 'the Synthea patient has immunizations, shown one per row');
    const asked = fhirRequests.filter((r) => /^\/(Observation|Immunization|DocumentReference)\?/.test(r));
    assert.ok(asked.length >= 3 && asked.every((r) => r.includes(`patient=${own.id}`)), asked.join('\n'));
    await page.getByRole('link', { name: en['nav.home'] }).first().click();
    await page.getByRole('heading', { name: en['record.conditions'] }).waitFor();

    // The same record in Spanish, chosen in the header; the choice outlives a reload.
    await page.getByLabel(en['nav.language']).selectOption('es');
    await page
      .getByRole('heading', { level: 1, name: es['home.greeting'].replace('{name}', firstName) })
      .waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await page.reload();
    await page.getByRole('heading', { name: es['record.conditions'] }).waitFor();
    // Every string of the app on the page is Spanish now (the record's own data stays as written).
    const visible = await page.locator('body').innerText();
    const english = Object.entries(en).filter(
      ([key, text]) =>
        text !== es[key as keyof typeof es] &&
        !text.includes('{') &&
        new RegExp(`(^|[^\\p{L}])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(
          visible,
        ),
    );
    assert.deepEqual(english, [], 'English left on the Spanish page');
    await assertAccessible(page, 'patient-home-es');

    // Signing out ends the session on the server: the old refresh token no longer works.
    const refresh = await page.evaluate(() =>
      (
        globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }
      ).sessionStorage.getItem('openvisit.refresh'),
    );
    assert.ok(refresh, 'a refresh token was kept for this tab');
    await signOut(page, base, es['nav.signOut']);
    await page.getByRole('button', { name: es['landing.signIn'] }).waitFor();
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refresh,
        client_id: 'openvisit-web',
      }),
    });
    assert.equal(res.status, 400, 'the refresh token was revoked');

    assert.deepEqual(browser.blocked, [], 'nothing left the server');
    assert.deepEqual(browser.cspViolations, [], 'the app runs under its Content-Security-Policy');
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('the patient hides mental-health data from the front desk, stops hiding it, and sets their preferences', async () => {
    assert.ok(browser && seeded);
    const own = seeded.patients[0];
    assert.ok(own);
    const page = await signedIn(browser, 'patient@demo', '/app/home');
    await page.getByRole('link', { name: en['nav.sharing'] }).first().click();
    await page.getByRole('heading', { level: 1, name: en['sharing.title'] }).waitFor();
    await page.getByText(en['sharing.none']).waitFor();

    await page.getByRole('button', { name: en['sharing.save'] }).click();
    await page.getByText(en['sharing.pickWhom']).waitFor();
    await page.getByRole('radio', { name: en['sharing.label.PSY'] }).check();
    await page.getByRole('checkbox', { name: en['role.front-desk'] }).check();
    await page.getByRole('button', { name: en['sharing.save'] }).click();
    const hidden = en['sharing.hidden']
      .replace('{what}', en['sharing.label.PSY'])
      .replace('{whom}', en['role.front-desk']);
    await page.getByText(hidden).waitFor();
    await assertAccessible(page, 'sharing');

    // The choice is a FHIR Consent the access policy reads: deny PSY-labelled data to the role.
    const stored = await s.tdb.db.query<{ content: string }>(
      s.tdb.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Consent' AND NOT deleted`,
      [s.tdb.tenantA],
    );
    assert.equal(stored.rows.length, 1);
    const consent = JSON.parse(stored.rows[0]?.content ?? '{}') as {
      status: string;
      patient: { reference: string };
      provision: {
        type: string;
        actor: { role: { coding: { code: string }[] } }[];
        securityLabel: { code: string }[];
      };
    };
    assert.equal(consent.status, 'active');
    assert.equal(consent.patient.reference, `Patient/${own.id}`);
    assert.equal(consent.provision.type, 'deny');
    assert.deepEqual(consent.provision.actor[0]?.role.coding[0]?.code, 'front-desk');
    assert.deepEqual(consent.provision.securityLabel[0]?.code, 'PSY');

    await page.getByRole('button', { name: en['sharing.stop'] }).click();
    await page.getByText(en['sharing.none']).waitFor();
    const after = await s.tdb.db.query<{ content: string }>(
      s.tdb.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Consent' AND NOT deleted`,
      [s.tdb.tenantA],
    );
    assert.equal((JSON.parse(after.rows[0]?.content ?? '{}') as { status: string }).status, 'inactive');

    // Profile and preferences live on the patient's own Patient resource.
    await page.getByRole('link', { name: en['nav.profile'] }).first().click();
    await page.getByRole('heading', { level: 1, name: en['profile.title'] }).waitFor();
    await page.getByRole('textbox', { name: en['profile.email'] }).fill('clemente@example.org');
    await page.getByLabel(en['profile.phone']).fill('call me');
    await page.getByRole('button', { name: en['profile.save'] }).click();
    await page.getByText(en['profile.badPhone']).waitFor();
    await assertAccessible(page, 'profile');
    await page.getByLabel(en['profile.phone']).fill('+1 555 010 0200');
    // The header has a language picker of its own: the profile's is the one in the main region.
    await page.getByRole('main').getByLabel(en['profile.language']).selectOption('es');
    await page.getByLabel(en['profile.timeZone']).selectOption('America/Mexico_City');
    await page.getByRole('checkbox', { name: en['profile.channel.sms'] }).check();
    await page.getByRole('button', { name: en['profile.save'] }).click();
    await page.getByText(es['profile.saved']).waitFor();
    await page.getByRole('heading', { level: 1, name: es['profile.title'] }).waitFor();
    const patient = await s.tdb.db.query<{ content: string }>(
      s.tdb.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2`,
      [s.tdb.tenantA, own.id],
    );
    const saved = JSON.parse(patient.rows[0]?.content ?? '{}') as {
      telecom: { system: string; value: string; use?: string }[];
      communication: { language: { coding: { code: string }[] }; preferred: boolean }[];
      extension: { url: string; valueCode: string }[];
      name: unknown[];
    };
    assert.ok(saved.telecom.some((t) => t.system === 'email' && t.value === 'clemente@example.org'));
    assert.ok(
      saved.telecom.some((t) => t.system === 'phone' && t.use === 'mobile' && t.value === '+1 555 010 0200'),
    );
    assert.equal(saved.communication[0]?.language.coding[0]?.code, 'es');
    assert.ok(
      saved.extension.some((e) => e.url.endsWith('/tz-code') && e.valueCode === 'America/Mexico_City'),
    );
    assert.ok(saved.extension.some((e) => e.valueCode === 'sms'));
    assert.ok(saved.name.length > 0, 'the rest of the record is kept');
    await assertAccessible(page, 'profile-es');
    await signOut(page, base, es['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('the clinician finds a patient in their care, opens the chart, and breaks the glass for another', async () => {
    assert.ok(browser && seeded);
    const [own, , stranger] = seeded.patients;
    assert.ok(own && stranger);
    // Staff enrol an authenticator at their first sign-in.
    const page = await signedIn(browser, 'clinician@demo', '/app/patients');
    await page.getByRole('heading', { level: 1, name: en['search.title'] }).waitFor();
    await assertAccessible(page, 'patient-search');

    // Search by family name; only patients in Dr. Demo's care come back.
    const family = own.name.split(' ').slice(-1)[0] ?? '';
    await page.getByLabel(en['search.name']).fill(family);
    await page.getByRole('button', { name: en['search.submit'] }).click();
    await page.getByRole('link', { name: own.name }).click();
    await page.waitForURL(`${base}/app/patients/${own.id}`);
    await page.getByRole('heading', { name: own.name }).waitFor();
    await page.getByRole('heading', { name: en['chart.encounters'] }).waitFor();
    await page.getByRole('heading', { name: en['chart.timeline'] }).waitFor();
    assert.ok(
      (await page.getByText(en['chart.event.encounter'], { exact: true }).count()) > 0,
      'visits on the timeline',
    );
    await assertAccessible(page, 'chart');

    // Ned Hintz is in nobody's care here: his chart needs break-glass, with a reason.
    await page.getByRole('link', { name: en['nav.patients'] }).first().click();
    await page.getByRole('link', { name: own.name }).waitFor();
    await page.getByLabel(en['search.patientId'], { exact: true }).fill(stranger.id);
    await page.getByRole('button', { name: en['search.open'] }).click();
    await page.getByRole('heading', { level: 1, name: en['chart.noChart'] }).waitFor();
    assert.equal(await page.getByRole('heading', { name: stranger.name }).count(), 0, 'nothing of him shows');
    await page.getByRole('button', { name: en['chart.breakGlass'] }).click();
    await page.getByText(en['chart.reasonShort']).waitFor();
    await assertAccessible(page, 'break-glass');
    await page
      .getByLabel(en['chart.reason'])
      .fill('Unconscious in the emergency department, no relative present');
    await page.getByRole('button', { name: en['chart.breakGlass'] }).click();
    await page.getByText(en['chart.breakGlassActive']).waitFor();
    await page.getByRole('heading', { name: stranger.name }).waitFor();
    await assertAccessible(page, 'chart-break-glass');
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('shows the patient who accessed their record: the clinician by name, role and purpose', async () => {
    assert.ok(browser && seeded);
    const own = seeded.patients[0];
    assert.ok(own);
    const page = await signedIn(browser, 'patient@demo', '/app/home');
    await page.getByRole('link', { name: en['nav.access'] }).first().click();
    await page.getByRole('heading', { level: 1, name: en['access.title'] }).waitFor();
    // The chart Dr. Demo opened in the test before: read, for the patient's care.
    const row = page
      .getByRole('row')
      .filter({ hasText: 'Dr. Demo' })
      .filter({ hasText: `${en['access.action.read']} ${en['access.what.Patient']}` })
      .first();
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(en['role.clinician']));
    assert.match(text, new RegExp(`${en['access.action.read']} ${en['access.what.Patient']}`));
    assert.match(text, new RegExp(en['purpose.TREAT']));
    await page.getByRole('row').filter({ hasText: en['access.you'] }).first().waitFor();
    await assertAccessible(page, 'access-history');
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('says so when the browser is offline or OpenVisit is degraded', async () => {
    assert.ok(browser);
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${base}/app/`);
    await page.getByLabel(/^(Language|Idioma)$/).selectOption('en');
    await page.getByRole('heading', { level: 1, name: en['landing.title'] }).waitFor();
    assert.equal(await page.getByText(en['status.degraded']).count(), 0);

    await browser.context.setOffline(true);
    await page.getByText(en['status.offline']).waitFor();
    await assertAccessible(page, 'offline');
    // Back online, the server says it cannot serve (its readiness check fails, as while draining).
    await page.route(`${base}/readyz`, (route) =>
      route.fulfill({ status: 503, body: '{"status":"unavailable"}' }),
    );
    await browser.context.setOffline(false);
    await page.getByText(en['status.degraded']).waitFor();
    await page.unroute(`${base}/readyz`);
    await page.evaluate("dispatchEvent(new Event('online'))");
    await page.getByText(en['status.degraded']).waitFor({ state: 'detached' });
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('warns a minute before the idle timeout and then signs out', async () => {
    assert.ok(browser && seeded);
    // Each test starts signed out: no sign-in session of the one before.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    // The page's clock is simulated: fifteen idle minutes pass in an instant. CSS transitions run on
    // the real clock, so this user asks for reduced motion: the dialog is fully there when axe looks.
    await page.clock.install();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${base}/app/`);
    await signInThroughApp(page, 'patient@demo');
    await page.waitForURL(`${base}/app/home`);
    await page.getByRole('heading', { name: en['record.conditions'] }).waitFor();
    const refresh = await page.evaluate(() =>
      (
        globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }
      ).sessionStorage.getItem('openvisit.refresh'),
    );
    assert.ok(refresh);

    await page.clock.fastForward('13:58');
    assert.equal(await page.getByRole('dialog').count(), 0, 'no warning before the last minute');
    await page.clock.fastForward('00:03');
    const dialog = page.getByRole('dialog', { name: en['idle.title'] });
    await dialog.waitFor();
    // Let the dialog's opening transition finish (its timers run on the simulated clock too).
    await page.clock.runFor(1000);
    await assertAccessible(page, 'idle-warning');

    await page.clock.fastForward('01:00');
    await page.waitForURL(`${base}/app/`);
    await page.getByText(en['landing.idleSignedOut']).waitFor();
    await page.getByRole('button', { name: en['landing.signIn'] }).waitFor();
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refresh,
        client_id: 'openvisit-web',
      }),
    });
    assert.equal(res.status, 400, 'the idle session cannot be renewed');
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });
});
