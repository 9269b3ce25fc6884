import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { messages } from '../../src/auth/pages/messages.js';
import { DEMO_PASSWORD, seedDemo, type DemoSeedResult } from '../../src/demo/seed.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { en } from '../../../web/src/i18n/en.js';
import { es } from '../../../web/src/i18n/es.js';
import { launchChromium, type ChromiumSession } from '../browser/support/chromium.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { assertAccessible, assertNoEnglish, signInThroughApp, signOut } from './support.js';

const keyring = [{ id: 'web', key: crypto.randomBytes(32) }];

describe('the web app in Chromium: patients, caregivers and clinicians', { timeout: 120_000 }, () => {
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
  /**
   * A new page signed in as `username` from a signed-out start at `start`, at `landing` once in.
   */
  async function signedIn(
    session: ChromiumSession,
    username: string,
    landing: string,
    start = '/app/',
  ): Promise<Page> {
    // Each test starts signed out: no sign-in session of the one before.
    await session.context.clearCookies();
    const page = await session.context.newPage();
    await page.goto(`${base}${start}`);
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
    // Things to do: the open steps of the care plan Dr. Demo made, and a way to reach the patient.
    const todo = page.getByRole('region', { name: en['todo.title'] });
    await todo.getByText('Have a fasting blood test before your next visit').waitFor();
    await todo.getByText(en['todo.addContact']).waitFor();
    assert.equal(
      await todo.getByText('Read the healthy eating guide').count(),
      0,
      'done steps are not listed',
    );
    // What Dr. Demo recorded at the visit: the allergy and the medicine.
    await page.getByText('Penicillin').waitFor();
    await page.getByText('Vitamin D3 1,000 unit oral tablet').waitFor();
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
    // With reduced motion a dialog is fully there at once, for axe.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    // Results are one row per test; a test done more than once opens its history and trend.
    await page.getByRole('tab', { name: en['record.results'] }).click();
    const ldl = page
      .getByRole('tabpanel')
      .getByRole('button', { name: 'Low Density Lipoprotein Cholesterol' });
    assert.equal(await ldl.count(), 1, 'one row for the test, however often it was done');
    await ldl.click();
    const history = page.getByRole('dialog', { name: 'Low Density Lipoprotein Cholesterol' });
    await history.getByRole('img', { name: /^\d+ results, from / }).waitFor();
    assert.ok((await history.getByRole('row').count()) > 2, 'every result of the test, one per row');
    await assertAccessible(page, 'record-result-history');
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'detached' });
    // A visit note opens in a dialog, decoded from the DocumentReference; Escape closes it.
    await page.getByRole('tab', { name: en['record.documents'] }).click();
    const note = page.getByRole('tabpanel').getByRole('button', { name: 'Telehealth visit note' }).first();
    await note.click();
    const dialog = page.getByRole('dialog', { name: 'Telehealth visit note' });
    await dialog.getByText(/Telehealth (follow-up for weight management|check-in)|Nurse check-in/).waitFor();
    await assertAccessible(page, 'record-document');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
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
    await assertNoEnglish(page, 'home');
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
    await page.getByRole('status', { name: es['toast.region'] }).getByText(es['profile.saved']).waitFor();
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
    // Reachable now, by the channel chosen: home no longer asks for contact details.
    await page.getByRole('link', { name: es['nav.home'] }).first().click();
    const todo = page.getByRole('region', { name: es['todo.title'] });
    await todo.getByText('Have a fasting blood test before your next visit').waitFor();
    assert.equal(await todo.getByText(es['todo.addContact']).count(), 0);
    assert.equal(await todo.getByText(es['todo.pickChannels']).count(), 0);
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
    await page.getByRole('link', { name: own.name }).waitFor();
    // By birth date and by record number too; a patient outside the clinician's care is not found.
    const stored = await s.tdb.db.query<{ content: string }>(
      s.tdb.tenantA,
      `SELECT content FROM resource WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2`,
      [s.tdb.tenantA, own.id],
    );
    const patient = JSON.parse(stored.rows[0]?.content ?? '{}') as {
      birthDate: string;
      identifier: { type?: { coding?: { code?: string }[] }; value: string }[];
    };
    const mrn = patient.identifier.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))?.value;
    assert.ok(mrn);
    const results = page.getByRole('main').getByRole('table');
    for (const [field, value] of [
      ['search.birthDate', patient.birthDate],
      ['search.identifier', mrn],
    ] as const) {
      await page.getByLabel(en['search.name']).fill('');
      await page.getByLabel(en['search.birthDate']).fill('');
      await page.getByLabel(en['search.identifier']).fill('');
      await page.getByLabel(en[field]).fill(value);
      await page.getByRole('button', { name: en['search.submit'] }).click();
      await results.getByRole('link', { name: own.name }).waitFor();
      assert.equal(await results.getByRole('row').count(), 2, `one patient by ${field}`);
    }
    await page.getByLabel(en['search.identifier']).fill('');
    await page.getByLabel(en['search.name']).fill(stranger.name.split(' ').slice(-1)[0] ?? '');
    await page.getByRole('button', { name: en['search.submit'] }).click();
    await page.getByText(en['search.none']).waitFor();
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
    // The chart has the record's lists too: Dr. Demo's own visit note among the documents.
    await page.getByRole('tab', { name: en['record.documents'] }).click();
    await page.getByRole('tabpanel').getByRole('row').filter({ hasText: 'Dr. Demo' }).first().waitFor();
    await assertAccessible(page, 'chart-documents');
    await page.getByRole('tab', { name: en['record.results'] }).click();
    await page.getByRole('tabpanel').locator('table').waitFor();
    await assertAccessible(page, 'chart-results');
    await page.getByRole('tab', { name: en['chart.timeline'] }).click();

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

    // The workspace in Spanish: the chart, then the search page with its recent charts.
    await page.getByLabel(en['nav.language']).selectOption('es');
    await page.getByRole('heading', { name: es['chart.timeline'] }).waitFor();
    await assertNoEnglish(page, 'chart');
    await page.getByRole('link', { name: es['nav.patients'] }).first().click();
    await page.getByRole('heading', { level: 1, name: es['search.title'] }).waitFor();
    await page.getByRole('link', { name: own.name }).waitFor();
    await assertNoEnglish(page, 'patient-search');
    await assertAccessible(page, 'patient-search-es');
    await signOut(page, base, es['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('shows the patient who accessed their record: the clinician by name, role and purpose', async () => {
    assert.ok(browser && seeded);
    const own = seeded.patients[0];
    assert.ok(own);
    // Opened from a link while signed out: the front page signs in and comes back to it.
    const page = await signedIn(browser, 'patient@demo', '/app/record/access', '/app/record/access');
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

  it('shows every page of the portal in Spanish, with no English left', async () => {
    assert.ok(browser);
    const page = await signedIn(browser, 'patient@demo', '/app/home');
    await page.getByLabel(en['nav.language']).selectOption('es');
    await page.getByRole('heading', { name: es['todo.title'] }).waitFor();
    await assertNoEnglish(page, 'home');

    await page.getByRole('link', { name: es['nav.record'], exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: es['record.title'] }).waitFor();
    for (const [tab, name] of [
      ['record.overview', 'record-overview'],
      ['record.results', 'record-results'],
      ['record.immunizations', 'record-immunizations'],
      ['record.documents', 'record-documents'],
    ] as const) {
      await page.getByRole('tab', { name: es[tab] }).click();
      await page.getByRole('tabpanel').locator('table, h2').first().waitFor();
      await assertNoEnglish(page, name);
      await assertAccessible(page, `${name}-es`);
    }
    for (const [link, heading, name] of [
      ['nav.access', 'access.title', 'access-history'],
      ['nav.sharing', 'sharing.title', 'sharing'],
      ['nav.profile', 'profile.title', 'profile'],
    ] as const) {
      await page.getByRole('link', { name: es[link] }).first().click();
      await page.getByRole('heading', { level: 1, name: es[heading] }).waitFor();
      await page.getByRole('main').locator('table, form, button').first().waitFor();
      await assertNoEnglish(page, name);
      await assertAccessible(page, `${name}-es`);
    }
    await page.goto(`${base}/app/no-such-page`);
    await page.getByRole('heading', { level: 1, name: es['notFound.title'] }).waitFor();
    await assertNoEnglish(page, 'not-found');
    await assertAccessible(page, 'not-found-es');
    await page.getByLabel(es['nav.language']).selectOption('en');
    await page.getByRole('heading', { level: 1, name: en['notFound.title'] }).waitFor();
    await assertAccessible(page, 'not-found');
    await signOut(page, base, en['nav.signOut']);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('works by keyboard alone, with the focus always visible', async () => {
    assert.ok(browser);
    const page = await signedIn(browser, 'patient@demo', '/app/home');
    await page.getByRole('heading', { name: en['record.conditions'] }).waitFor();
    /** What has the focus, and whether it is drawn: an outline of at least 2 px, or a box shadow. */
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
        if (!el) return { text: '', tag: '', visible: false };
        const style = g.getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        return {
          text: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
          tag: el.tagName,
          visible: outline || style.boxShadow !== 'none',
        };
      });
    /** Tabs forward until the focus is on `text` (at most `limit` presses); every stop shows focus. */
    const tabTo = async (text: string, limit = 25) => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        assert.ok(f.visible, `focus on "${f.text}" (${f.tag}) is visible`);
        if (f.text === text) return;
      }
      assert.fail(`"${text}" not reached by Tab`);
    };

    // The first Tab lands on the skip link; Enter moves the focus to the main region.
    await page.keyboard.press('Tab');
    const skip = await focused();
    assert.equal(skip.text, en['app.skipToContent']);
    assert.ok(skip.visible);
    await page.keyboard.press('Enter');
    assert.equal((await focused()).tag, 'MAIN');

    // From the top again: through the header to "My health record", opened with Enter.
    await page.reload();
    await page.getByRole('heading', { name: en['record.conditions'] }).waitFor();
    await tabTo(en['nav.record']);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: en['record.title'] }).waitFor();

    // The record's tabs take arrow keys; the results table then takes the focus, to scroll it.
    await tabTo(en['record.overview']);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.equal(
      await page.getByRole('tab', { name: en['record.results'] }).getAttribute('aria-selected'),
      'true',
    );
    await page.getByRole('tabpanel').locator('table').waitFor();
    await tabTo(en['record.results']);
    assert.equal((await focused()).tag, 'DIV', 'the table region, not the tab, has the focus');

    // Sign out by keyboard too.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: en['record.title'] }).waitFor();
    await tabTo(en['nav.signOut']);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/app/' || url.pathname.startsWith('/oauth/session/end'));
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('shows a caregiver the record of the person they care for, and nothing of anyone else', async () => {
    assert.ok(browser && seeded);
    const [own, dependent] = seeded.patients;
    assert.ok(own && dependent);
    const page = await signedIn(browser, 'caregiver@demo', '/app/home');
    await page.getByText(en['home.caregiverLead'].replace('{name}', dependent.name)).waitFor();
    await page
      .getByRole('heading', { level: 1, name: en['home.greeting'].replace('{name}', 'Casey') })
      .waitFor();
    await page.getByRole('heading', { name: dependent.name }).waitFor();
    await page.getByText('Chronic sinusitis (disorder)').waitFor();
    // The caregiver is not asked to fill in the patient's profile.
    await page.getByRole('region', { name: en['todo.title'] }).getByText(en['todo.empty']).waitFor();
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes(own.name), 'nothing of another patient');
    await assertAccessible(page, 'caregiver-home');
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

    // A sign-in that came back refused says so and offers to start again.
    await page.goto(`${base}/app/callback?error=access_denied&state=stale`);
    await page.getByRole('alert').getByText(en['callback.failed']).waitFor();
    await page.getByRole('button', { name: en['callback.retry'] }).waitFor();
    await assertAccessible(page, 'callback-failed');
    await page.goto(`${base}/app/`);
    await page.getByRole('heading', { level: 1, name: en['landing.title'] }).waitFor();

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
