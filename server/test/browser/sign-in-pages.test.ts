import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { totpCodeAt } from '../../src/auth/credentials/totp.js';
import { messages, type Locale } from '../../src/auth/pages/messages.js';
import { PASSWORD, startSecuredServer, type SecuredServer } from '../auth/support/secured-server.js';
import type { TokenSet } from '../auth/support/oauth-client.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import type { PageGlobals, PageInput } from './support/page-globals.js';
import {
  describeViolations,
  launchChromium,
  runAxe,
  screenshots,
  type ChromiumSession,
} from './support/chromium.js';

const en = messages.en;
const es = messages.es;
const WRONG_PASSWORD = 'not the password';

/** The test's app: a public client whose redirect the browser answers itself (see `freshBrowser`). */
interface App {
  clientId: string;
  redirectUri: string;
}

/** An authorization request as a SMART app makes it, with PKCE. */
function authorizationRequest(s: SecuredServer, app: App, scope: string) {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const state = crypto.randomBytes(8).toString('hex');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    scope,
    state,
    aud: s.fhir,
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return { url: `${s.base}/oauth/auth?${params}`, verifier, state };
}

async function exchangeCode(s: SecuredServer, app: App, code: string, verifier: string): Promise<TokenSet> {
  const res = await fetch(`${s.base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      client_id: app.clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await res.json()) as TokenSet & { error?: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** Runs `action` and waits for the document it leads to (after any redirects) to load. */
async function navigating(page: Page, action: () => Promise<unknown>): Promise<void> {
  const loaded = page.waitForEvent('load');
  await action();
  await loaded;
}

const pageLang = (page: Page) => page.locator('html').getAttribute('lang');
const visibleText = (page: Page) => page.locator('body').innerText();

/** The element with the focus: its id, or `tag:text` (e.g. `a:Español`); '' for none. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const el = document.activeElement;
    if (!el || el === document.body) return '';
    return el.id || `${el.tagName.toLowerCase()}:${el.textContent?.trim() ?? ''}`;
  });

/** Presses Tab until `target` (see `focused`) has the focus; returns what got the focus on the way. */
async function tabTo(page: Page, target: string, max = 8): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    seen.push(await focused(page));
    if (seen.at(-1) === target) return seen;
  }
  assert.fail(`Tab never reached ${target}: ${seen.join(' → ')}`);
}

async function field(page: Page, id: string) {
  return page.evaluate((fieldId) => {
    const { document } = globalThis as unknown as PageGlobals;
    const el = document.getElementById(fieldId) as PageInput | null;
    return {
      value: el?.value ?? null,
      invalid: el?.getAttribute('aria-invalid') ?? null,
      describedBy: (el?.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean),
    };
  }, id);
}

/** The error region: its text, and the id the fields point to. */
async function alertOf(page: Page) {
  const alerts = page.getByRole('alert');
  assert.equal(await alerts.count(), 1, 'one role="alert" region');
  const alert = alerts.first();
  assert.ok(await alert.isVisible(), 'the alert is visible');
  return { text: (await alert.innerText()).replace(/\s+/g, ' '), id: await alert.getAttribute('id') };
}

/** No serious or critical axe violation on the page as it is now; screenshots at both widths. */
async function audit(page: Page, name: string): Promise<void> {
  const violations = await runAxe(page);
  assert.deepEqual(violations, [], `${name} (${page.url()}):\n${describeViolations(violations)}`);
  await screenshots(page, name);
}

/** Asserts the page is in `locale`: `<html lang>`, and texts only that language's pages show. */
async function assertLocale(page: Page, locale: Locale, texts: string[]): Promise<string> {
  assert.equal(await pageLang(page), locale, `<html lang> of ${page.url()}`);
  const text = await visibleText(page);
  for (const t of texts) assert.ok(text.includes(t), `${locale} page shows “${t}”:\n${text}`);
  return text;
}

async function switchLanguage(page: Page, to: Locale): Promise<void> {
  const link = page.locator(`nav a[hreflang="${to}"]`);
  assert.equal(await link.count(), 1, `a link to the ${to} version`);
  await navigating(page, () => link.click());
  assert.match(page.url(), new RegExp(`[?&]lang=${to}(&|$)`));
}

/**
 * The page (a GET of the interaction) in English, then through its language link in Spanish, then
 * back: each version audited and photographed; the Spanish one must read differently.
 */
async function checkBothLanguages(
  page: Page,
  name: string,
  texts: { en: string[]; es: string[] },
): Promise<void> {
  const english = await assertLocale(page, 'en', texts.en);
  await audit(page, `${name}-en`);
  await switchLanguage(page, 'es');
  const spanish = await assertLocale(page, 'es', texts.es);
  assert.notEqual(spanish, english);
  for (const t of texts.en) assert.ok(!spanish.includes(t), `the Spanish page still shows “${t}”`);
  await audit(page, `${name}-es`);
  await switchLanguage(page, 'en');
  await assertLocale(page, 'en', texts.en);
}

/** Fills the sign-in form with the keyboard only: Tab to the username, type, Tab, type, Enter. */
async function signInWithKeyboard(page: Page, username: string, password: string): Promise<void> {
  const path = await tabTo(page, 'username');
  // Only the language links come before the form.
  assert.ok(path.length <= 3, `Tab order to the username: ${path.join(' → ')}`);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'password', 'Tab moves to the password');
  await page.keyboard.type(password);
  await navigating(page, () => page.keyboard.press('Enter'));
}

function wrongCode(secret: string): string {
  const now = Date.now();
  const valid = new Set([-30_000, 0, 30_000].map((d) => totpCodeAt(secret, now + d)));
  let n = Number(totpCodeAt(secret, now));
  let code: string;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, '0');
  } while (valid.has(code));
  return code;
}

describe('sign-in pages in Chromium', { timeout: 60_000 }, () => {
  let s: SecuredServer;
  let browser: ChromiumSession | undefined;
  let app: App;
  let appServer: AppServer | undefined;

  before(async () => {
    s = await startSecuredServer();
    // Not the helper's app: its redirect URI is on port 9, which browsers refuse to connect to
    // (ERR_UNSAFE_PORT); and Playwright's routes do not see a redirect's target. So the app's
    // redirect URI is a real page on another loopback port.
    appServer = await startAppServer({
      '/callback': {
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="en"><title>App</title><main><h1>Back in the app</h1></main></html>',
      },
    });
    const redirectUri = `${appServer.origin}/callback`;
    const created = await s.clients.create(s.tdb.tenantA, {
      kind: 'public',
      name: 'Test SMART app',
      redirectUris: [redirectUri],
      scope: 'openid fhirUser offline_access launch/patient patient/*.rs user/*.rs',
    });
    app = { clientId: created.client.clientId, redirectUri };
    await s.createAccount('ana.patient', ['patient'], 'Patient/p-ana');
    await s.createAccount('carla.clinician', ['clinician'], 'Practitioner/pr-carla');
    await s.createAccount('leo.patient', ['patient'], 'Patient/p-leo');
  });
  after(async () => {
    await browser?.close();
    await appServer?.close();
    await s?.close();
  });

  /** A fresh browser (no session); `redirects` are the app's callback requests from now on. */
  async function freshBrowser(): Promise<{ page: Page; redirects: URL[] }> {
    await browser?.close();
    browser = await launchChromium({ allowedOrigins: [s.base, app.redirectUri] });
    const page = await browser.context.newPage();
    const redirects = appServer?.requests ?? [];
    redirects.length = 0;
    return { page, redirects };
  }

  function assertNoBrowserProblems(): void {
    assert.deepEqual(browser?.blocked, [], 'no request left the test servers');
    assert.deepEqual(browser?.cspViolations, [], 'no Content-Security-Policy violation');
    assert.deepEqual(browser?.pageErrors, [], 'no script errors');
  }

  /** Allow on the consent page, with the keyboard; returns the code the app receives. */
  async function allowWithKeyboard(page: Page, redirects: URL[], state: string): Promise<string> {
    const allow = await page.getByRole('button', { name: en.consentAllow, exact: true }).count();
    assert.equal(allow, 1, 'an Allow button');
    // The language links, then Allow: the first button.
    const seen = await tabTo(page, `button:${en.consentAllow}`, 6);
    assert.ok(seen.length <= 3, `Tab order to Allow: ${seen.join(' → ')}`);
    await navigating(page, () => page.keyboard.press('Enter'));
    const back = redirects.at(-1);
    assert.ok(back, `redirected to the app (at ${page.url()})`);
    assert.equal(back.origin + back.pathname, app.redirectUri);
    assert.equal(back.searchParams.get('state'), state);
    assert.equal(back.searchParams.get('error'), null, back.search);
    const code = back.searchParams.get('code');
    assert.ok(code, back.search);
    return code;
  }

  it('patient: sign-in and consent, in English and Spanish, by keyboard, with a wrong password', async () => {
    const { page, redirects } = await freshBrowser();
    const request = authorizationRequest(s, app, 'openid fhirUser launch/patient patient/*.rs');
    await navigating(page, () => page.goto(request.url));
    assert.match(new URL(page.url()).pathname, /^\/oauth\/interaction\/[\w-]+$/);

    // The sign-in page.
    await checkBothLanguages(page, 'patient-login', {
      en: [en.loginUsername, en.loginPassword, en.loginSubmit],
      es: ['Iniciar sesión', 'Contraseña', es.loginUsername],
    });
    const stylesheet = await page.evaluate(
      () => (globalThis as unknown as PageGlobals).document.styleSheets.length,
    );
    assert.equal(stylesheet, 1, 'the stylesheet loads under the CSP');

    // A wrong password: an announced error, both fields marked invalid and pointing to it.
    await signInWithKeyboard(page, 'ana.patient', WRONG_PASSWORD);
    assert.match(await page.title(), /^Error: /);
    const alert = await alertOf(page);
    assert.equal(alert.text, en.loginErrorInvalid);
    for (const id of ['username', 'password']) {
      const f = await field(page, id);
      assert.equal(f.invalid, 'true', `${id} aria-invalid`);
      assert.ok(f.describedBy.includes(alert.id ?? '-'), `${id} aria-describedby → the alert`);
    }
    assert.equal((await field(page, 'username')).value, 'ana.patient', 'the username is kept');
    assert.equal((await field(page, 'password')).value, '', 'the password is not');
    await audit(page, 'patient-login-error-en');

    // The same in Spanish.
    await switchLanguage(page, 'es');
    await signInWithKeyboard(page, 'ana.patient', WRONG_PASSWORD);
    await assertLocale(page, 'es', [es.loginErrorInvalid]);
    assert.match(await page.title(), /^Error: /);
    assert.equal((await alertOf(page)).text, es.loginErrorInvalid);
    assert.equal((await field(page, 'password')).invalid, 'true');
    await audit(page, 'patient-login-error-es');
    await switchLanguage(page, 'en');

    // The right password, by keyboard: the consent page.
    await signInWithKeyboard(page, 'ana.patient', PASSWORD);
    assert.equal(redirects.length, 0, 'no code before consent');
    await checkBothLanguages(page, 'patient-consent', {
      en: [en.consentAllow, en.consentDeny, en.scopeLaunchPatient],
      es: ['Permitir', es.consentDeny, es.scopeLaunchPatient],
    });
    const code = await allowWithKeyboard(page, redirects, request.state);
    const tokens = await exchangeCode(s, app, code, request.verifier);
    assert.equal(tokens.patient, 'p-ana');
    assertNoBrowserProblems();
  });

  it('clinician: authenticator enrolment, then the code on the next sign-in', async () => {
    let { page, redirects } = await freshBrowser();
    let request = authorizationRequest(s, app, 'openid fhirUser user/*.rs');
    await navigating(page, () => page.goto(request.url));
    await signInWithKeyboard(page, 'carla.clinician', PASSWORD);

    // Enrolment: the setup key is shown; the page is the same in either language.
    await checkBothLanguages(page, 'clinician-mfa-enroll', {
      en: [en.mfaEnrollTitle, en.mfaEnrollSecretLabel, en.mfaEnrollSubmit],
      es: [es.mfaEnrollTitle, es.mfaEnrollSecretLabel, es.mfaEnrollSubmit],
    });
    const shown = await page.locator('figure.secret code').innerText();
    const secret = shown.replace(/\s/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/, `setup key “${shown}”`);

    // A wrong code: announced and linked to the field.
    await page.locator('#code').fill(wrongCode(secret));
    await navigating(page, () => page.locator('#code').press('Enter'));
    assert.equal((await alertOf(page)).text, en.mfaErrorInvalidCode);
    const codeField = await field(page, 'code');
    assert.equal(codeField.invalid, 'true');
    assert.ok(codeField.describedBy.includes('code-error'));
    assert.ok(codeField.describedBy.includes('code-hint'), 'the hint stays linked');
    await audit(page, 'clinician-mfa-enroll-error-en');

    // The right code.
    await page.locator('#code').fill(totpCodeAt(secret, Date.now()));
    await navigating(page, () => page.locator('#code').press('Enter'));
    await assertLocale(page, 'en', [en.consentAllow]);
    await audit(page, 'clinician-consent-en');
    let code = await allowWithKeyboard(page, redirects, request.state);
    let tokens = await exchangeCode(s, app, code, request.verifier);
    assert.match(tokens.scope, /user\/\*\.rs/);
    assertNoBrowserProblems();

    // The next sign-in, in another browser: the code is asked for, not enrolled again.
    ({ page, redirects } = await freshBrowser());
    request = authorizationRequest(s, app, 'openid fhirUser user/*.rs');
    await navigating(page, () => page.goto(request.url));
    await signInWithKeyboard(page, 'carla.clinician', PASSWORD);
    await checkBothLanguages(page, 'clinician-mfa-verify', {
      en: [en.mfaVerifyTitle, en.mfaVerifyHint, en.mfaVerifySubmit],
      es: [es.mfaVerifyTitle, es.mfaVerifyHint, es.mfaVerifySubmit],
    });
    assert.equal(await page.locator('figure.secret').count(), 0, 'the setup key is not shown again');
    await tabTo(page, 'code');
    // The code after the one used at enrolment (codes are single-use).
    await page.keyboard.type(totpCodeAt(secret, Date.now() + 30_000));
    await navigating(page, () => page.keyboard.press('Enter'));
    await assertLocale(page, 'en', [en.consentAllow]);
    code = await allowWithKeyboard(page, redirects, request.state);
    tokens = await exchangeCode(s, app, code, request.verifier);
    assert.ok(tokens.access_token);
    assertNoBrowserProblems();
  });

  it('locks the account after 5 wrong passwords, even for the right one', async () => {
    const { page, redirects } = await freshBrowser();
    const request = authorizationRequest(s, app, 'openid fhirUser launch/patient patient/*.rs');
    await navigating(page, () => page.goto(request.url));
    for (let i = 1; i <= 5; i++) {
      await signInWithKeyboard(page, 'leo.patient', WRONG_PASSWORD);
      assert.equal((await alertOf(page)).text, en.loginErrorInvalid, `attempt ${i}`);
    }
    await signInWithKeyboard(page, 'leo.patient', PASSWORD);
    assert.match(await page.title(), /^Error: /);
    const locked = await alertOf(page);
    assert.ok(locked.text.includes(en.loginErrorLocked), locked.text);
    assert.match(locked.text, /Try again (in \d+ minutes?|later)\./);
    assert.equal(redirects.length, 0, 'no code for a locked account');
    assert.match(new URL(page.url()).pathname, /\/login$/, 'still on the sign-in page');
    await audit(page, 'patient-login-locked-en');

    await switchLanguage(page, 'es');
    await signInWithKeyboard(page, 'leo.patient', PASSWORD);
    await assertLocale(page, 'es', [es.loginErrorLocked]);
    assert.match((await alertOf(page)).text, /Vuelva a intentarlo/);
    await audit(page, 'patient-login-locked-es');
    assert.equal(redirects.length, 0);
    assertNoBrowserProblems();
  });
});
