import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { externalSubject } from '../../src/auth/federation/config.js';
import { FederationStore } from '../../src/auth/federation/federation-store.js';
import { accountSubject } from '../../src/auth/identity/account-store.js';
import { messages } from '../../src/auth/pages/messages.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { startUpstreamIdp, type UpstreamIdp } from '../auth/federation/upstream-idp.js';
import { exchangeCode } from '../auth/support/oauth-client.js';
import { startSecuredServer, type SecuredServer } from '../auth/support/secured-server.js';
import { startAppServer, type AppServer } from './support/app-server.js';
import {
  describeViolations,
  launchChromium,
  runAxe,
  screenshots,
  type ChromiumSession,
} from './support/chromium.js';

const PROVIDER = 'Riverside Health SSO';
const SCOPE = 'openid fhirUser user/Patient.rs';

describe('federated staff sign-in in Chromium', { timeout: 90_000 }, () => {
  let s: SecuredServer;
  let idp: UpstreamIdp;
  let app: AppServer;
  let browser: ChromiumSession | undefined;
  let clientId: string;

  before(async () => {
    s = await startSecuredServer();
    idp = await startUpstreamIdp(`${s.base}/oauth/federation/callback`);
    app = await startAppServer({
      '/cb': {
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><title>App</title><h1>App</h1>',
      },
    });
    const created = await s.clients.create(s.tdb.tenantA, {
      kind: 'public',
      name: 'Clinic workspace',
      redirectUris: [`${app.origin}/cb`],
      scope: SCOPE,
    });
    clientId = created.client.clientId;
    await new FederationStore(s.tdb.db, new Envelope(s.keyring)).set(s.tdb.tenantA, {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      displayName: PROVIDER,
      linkVerifiedEmail: false,
    });
    browser = await launchChromium({ allowedOrigins: [s.base, idp.issuer, app.origin] });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await idp?.close();
    await s?.close();
  });

  async function audit(page: import('playwright-core').Page, name: string) {
    const violations = await runAxe(page);
    assert.deepEqual(violations, [], `${name}:\n${describeViolations(violations)}`);
    await screenshots(page, name);
  }

  it('a clinician follows the link to the hospital’s provider and comes back signed in', async () => {
    assert.ok(browser);
    const account = await s.accounts.create(s.tdb.tenantA, {
      username: 'dr.adeyemi',
      roles: ['clinician'],
      externalSubject: externalSubject(idp.issuer, 'adeyemi-42'),
    });
    idp.next = { sub: 'adeyemi-42', amr: ['pwd', 'hwk'] };
    const verifier = crypto.randomBytes(32).toString('base64url');
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: `${app.origin}/cb`,
      scope: SCOPE,
      state: 'st-1',
      aud: s.fhir,
      code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const page = await browser.context.newPage();
    await page.goto(`${s.base}/oauth/auth?${params}`);

    const en = messages.en.loginFederationLink.replace('{providerName}', PROVIDER);
    const link = page.getByRole('link', { name: en });
    await link.waitFor();
    await audit(page, 'federated-login-en');
    // The same page in Spanish names the provider too.
    await page.locator('nav a[hreflang="es"]').click();
    const es = messages.es.loginFederationLink.replace('{providerName}', PROVIDER);
    await page.getByRole('link', { name: es }).waitFor();
    await audit(page, 'federated-login-es');
    await page.locator('nav a[hreflang="en"]').click();

    await page.getByRole('link', { name: en }).click();
    const allow = page.getByRole('button', { name: messages.en.consentAllow, exact: true });
    await allow.waitFor();
    await allow.click();
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/cb`));
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'st-1');
    const code = back.searchParams.get('code');
    assert.ok(code);
    const res = await exchangeCode(s.base, { code, redirectUri: `${app.origin}/cb`, clientId, verifier });
    assert.equal(res.status, 200);
    const tokens = (await res.json()) as { id_token: string };
    const id = decodeJwt(tokens.id_token);
    assert.equal(id.sub, accountSubject(account.tenantId, account.id));
    assert.deepEqual(id.amr, ['fed', 'mfa']);
    assert.deepEqual(browser.cspViolations, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});
