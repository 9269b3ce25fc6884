import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Page, Response } from 'playwright-core';
import { messages } from '../../src/auth/pages/messages.js';
import { PASSWORD, startSecuredServer, type SecuredServer } from '../auth/support/secured-server.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import type { PageGlobals } from './support/page-globals.js';
import { launchChromium, screenshots, type ChromiumSession } from './support/chromium.js';

const SCOPE = 'openid fhirUser launch/patient patient/*.rs offline_access';
// fhirclient is a devDependency of the server workspace: resolve it from there.
const FHIR_CLIENT_JS = createRequire(new URL('../../package.json', import.meta.url)).resolve(
  'fhirclient/build/fhir-client.js',
);

/** The app's two pages: inline scripts are the app's business (it is not OpenVisit). */
function appPages(clientId: string, iss: string) {
  const page = (title: string, script: string) => ({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><script src="/fhir-client.js"></script></head>
<body><main><h1>${title}</h1></main>
<script>
const fail = (e) => { document.body.dataset.error = String((e && e.message) || e); };
${script}
</script>
</body>
</html>`,
  });
  return {
    '/fhir-client.js': {
      contentType: 'text/javascript; charset=utf-8',
      body: fs.readFileSync(FHIR_CLIENT_JS),
    },
    // `?pkce=` chooses fhirclient's pkceMode; `required` unless told otherwise.
    '/launch.html': page(
      'Test SMART app: launch',
      `FHIR.oauth2
  .authorize({
    clientId: ${JSON.stringify(clientId)},
    scope: ${JSON.stringify(SCOPE)},
    iss: ${JSON.stringify(iss)},
    redirectUri: '/index.html',
    pkceMode: new URLSearchParams(location.search).get('pkce') || 'required',
  })
  .catch(fail);`,
    ),
    '/index.html': page(
      'Test SMART app',
      `FHIR.oauth2
  .ready()
  .then((client) =>
    client.patient.read().then((patient) => {
      document.body.dataset.context = JSON.stringify({
        patientId: client.patient.id,
        tokenPatient: client.state.tokenResponse.patient,
        scope: client.state.tokenResponse.scope,
      });
      document.body.dataset.patient = JSON.stringify(patient);
    }),
  )
  .catch(fail);`,
    ),
  };
}

/** What the app ended with: the patient it read (and its context), or its error. */
async function appOutcome(page: Page) {
  await page.waitForFunction(
    () => {
      const data = (globalThis as unknown as PageGlobals).document.body?.dataset;
      return data?.patient ?? data?.error;
    },
    null,
    { timeout: 15_000 },
  );
  return page.evaluate(() => {
    const data = (globalThis as unknown as PageGlobals).document.body?.dataset ?? {};
    return { patient: data.patient, context: data.context, error: data.error };
  });
}

describe('SMART standalone launch with fhirclient in Chromium', { timeout: 60_000 }, () => {
  let s: SecuredServer;
  let app: AppServer;
  let browser: ChromiumSession | undefined;
  let clientId: string;
  let patientId: string;
  /** Every response the pages got from OpenVisit. */
  const responses: Response[] = [];

  before(async () => {
    s = await startSecuredServer();
    app = await startAppServer({});
    const created = await s.clients.create(s.tdb.tenantA, {
      kind: 'public',
      name: 'Test SMART app',
      redirectUris: [`${app.origin}/index.html`],
      scope: `${SCOPE} patient/*.cruds`,
    });
    clientId = created.client.clientId;

    const backend = await s.backend('system/*.cruds');
    const res = await backend.client.token(s.base, backend.clientId, 'system/*.cruds');
    const { access_token } = (await res.json()) as { access_token: string };
    assert.equal(res.status, 200);
    const patient = await s.as(access_token, 'POST', '/Patient', {
      resourceType: 'Patient',
      name: [{ family: 'Navarro', given: ['Lucía'] }],
      birthDate: '1987-04-12',
    });
    assert.equal(patient.status, 201, patient.text);
    patientId = patient.body.id;
    // Another patient, so that "the patient in context" is a choice the server made.
    await s.as(access_token, 'POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Other' }] });
    await s.createAccount('lucia', ['patient'], `Patient/${patientId}`);

    Object.assign(app.files, appPages(clientId, s.fhir));
    browser = await launchChromium({ allowedOrigins: [s.base, app.origin] });
    browser.context.on('response', (r) => {
      if (r.url().startsWith(s.base)) responses.push(r);
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await s?.close();
  });

  const fromOpenVisit = (path: string, method = 'GET') =>
    responses.filter((r) => r.request().method() === method && new URL(r.url()).pathname === path);

  /**
   * Opens the app's launch page; fhirclient first reads the SMART configuration from the FHIR base,
   * cross-origin, to find the authorization endpoint (without it, fhirclient takes the server for an
   * open one and skips authorization altogether).
   */
  async function launch(session: ChromiumSession, query: string): Promise<Page> {
    const page = await session.context.newPage();
    const corsErrorsBefore = session.corsErrors.length;
    const discovering = page.waitForRequest(`${s.fhir}/.well-known/smart-configuration`);
    await page.goto(`${app.origin}/launch.html${query}`);
    const request = await discovering;
    const discovery = await request.response();
    assert.ok(
      discovery,
      `the SMART configuration request failed (${request.failure()?.errorText}): ${session.corsErrors.slice(corsErrorsBefore).join('; ')}`,
    );
    assert.equal(discovery.status(), 200);
    assert.equal(
      discovery.headers()['access-control-allow-origin'],
      app.origin,
      'GET <fhir base>/.well-known/smart-configuration from the app origin must carry Access-Control-Allow-Origin',
    );
    return page;
  }

  it('completes a launch with PKCE and reads the patient in context', async () => {
    assert.ok(browser);
    const page = await launch(browser, '');
    await page.waitForURL(/\/oauth\/interaction\//);

    // The authorization request fhirclient made.
    const authorize = fromOpenVisit('/oauth/auth')[0];
    assert.ok(authorize, 'the app sent the browser to the authorization endpoint');
    const params = new URL(authorize.url()).searchParams;
    assert.equal(params.get('client_id'), clientId);
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.match(params.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.equal(params.get('aud'), s.fhir);
    assert.equal(params.get('redirect_uri'), `${app.origin}/index.html`);

    // Sign in and allow, as the patient.
    await page.getByLabel(messages.en.loginUsername).fill('lucia');
    await page.getByLabel(messages.en.loginPassword).fill(PASSWORD);
    await page.getByRole('button', { name: messages.en.loginSubmit }).click();
    await page.getByRole('button', { name: messages.en.consentAllow, exact: true }).waitFor();
    await screenshots(page, 'smart-launch-consent');
    await page.getByRole('button', { name: messages.en.consentAllow, exact: true }).click();

    const outcome = await appOutcome(page);
    assert.equal(outcome.error, undefined, `the app failed: ${outcome.error}`);
    assert.ok(page.url().startsWith(`${app.origin}/index.html`), page.url());
    await screenshots(page, 'smart-launch-app');

    const patient = JSON.parse(outcome.patient ?? '{}') as {
      resourceType: string;
      id: string;
      name: { family: string; given: string[] }[];
    };
    assert.equal(patient.resourceType, 'Patient');
    assert.equal(patient.id, patientId);
    assert.deepEqual(
      patient.name.map((n) => [n.family, ...n.given]),
      [['Navarro', 'Lucía']],
    );
    const context = JSON.parse(outcome.context ?? '{}') as Record<string, string>;
    assert.equal(context.tokenPatient, patientId, 'tokenResponse.patient is the patient read');
    assert.equal(context.patientId, patientId);
    assert.match(context.scope ?? '', /patient\/\*\.rs/);

    // The code was exchanged cross-origin (CORS for the app's origin), with the verifier.
    const token = fromOpenVisit('/oauth/token', 'POST');
    assert.equal(token.length, 1);
    assert.equal(token[0]?.status(), 200);
    assert.equal(token[0]?.headers()['access-control-allow-origin'], app.origin);
    const tokenForm = new URLSearchParams(token[0]?.request().postData() ?? '');
    assert.equal(tokenForm.get('grant_type'), 'authorization_code');
    assert.match(tokenForm.get('code_verifier') ?? '', /^[\w.~-]{43,128}$/);

    // The patient read: a bearer request from the app's origin, allowed by CORS.
    const read = fromOpenVisit(`/fhir/R4/Patient/${patientId}`)[0];
    assert.ok(read, 'the app read the patient from the FHIR server');
    assert.equal(read.status(), 200);
    assert.equal(read.headers()['access-control-allow-origin'], app.origin);
    assert.match((await read.request().allHeaders()).authorization ?? '', /^Bearer \S+$/);

    assert.deepEqual(browser.blocked, [], 'no request left the loopback servers');
    assert.deepEqual(browser.cspViolations, []);
    assert.deepEqual(browser.corsErrors, []);
    assert.deepEqual(browser.pageErrors, []);
    await page.close();
  });

  it('refuses a launch without PKCE: the app ends with an error and no token', async () => {
    assert.ok(browser);
    responses.length = 0;
    const authorizing = browser.context.waitForEvent('response', {
      predicate: (r) => new URL(r.url()).pathname === '/oauth/auth',
    });
    authorizing.catch(() => undefined); // awaited below, unless the launch fails first
    const page = await launch(browser, '?pkce=disabled');
    const authorize = await authorizing;
    const params = new URL(authorize.url()).searchParams;
    assert.equal(params.get('client_id'), clientId);
    assert.equal(params.get('code_challenge'), null, 'fhirclient sent no PKCE challenge');

    await page.waitForFunction((origin) => {
      const { document, location } = globalThis as unknown as PageGlobals;
      // The app with its error, or a page of the authorization server.
      if (location.origin === origin) return Boolean(document.body?.dataset.error);
      return document.querySelector('main h1') !== null;
    }, app.origin);
    const url = new URL(page.url());
    if (url.origin === app.origin) {
      // The authorization server sent the error back to the app (RFC 6749 4.1.2.1).
      const outcome = await appOutcome(page);
      assert.equal(outcome.patient, undefined);
      assert.match(outcome.error ?? '', /^invalid_request\b/, outcome.error);
      const back = app.requests.filter((r) => r.pathname === '/index.html').at(-1);
      assert.equal(back?.searchParams.get('error'), 'invalid_request');
      assert.equal(back?.searchParams.get('code'), null);
    } else {
      // Or showed its error page, without a sign-in form.
      assert.equal(url.origin, s.base);
      assert.equal(await page.locator('input[name="password"]').count(), 0);
      assert.equal(await page.locator('main h1').innerText(), messages.en.errorGenericTitle);
    }
    await screenshots(page, 'smart-launch-without-pkce');
    assert.deepEqual(fromOpenVisit('/oauth/token', 'POST'), [], 'no token request could be made');
    assert.equal(
      responses.filter((r) => new URL(r.url()).pathname.startsWith('/oauth/interaction/')).length,
      0,
      'no sign-in page was shown',
    );
    await page.close();
  });
});
