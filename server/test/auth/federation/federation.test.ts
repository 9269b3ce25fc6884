import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { totpCodeAt } from '../../../src/auth/credentials/totp.js';
import { accountSubject } from '../../../src/auth/identity/account-store.js';
import { externalSubject } from '../../../src/auth/federation/config.js';
import { FederationStore } from '../../../src/auth/federation/federation-store.js';
import { messages } from '../../../src/auth/pages/messages.js';
import { Envelope } from '../../../src/platform/crypto/envelope.js';
import { exchangeCode } from '../support/oauth-client.js';
import { REDIRECT, startSecuredServer, type SecuredServer } from '../support/secured-server.js';
import { FederatedBrowser, formOf } from './federated-browser.js';
import { startUpstreamIdp, type UpstreamIdp } from './upstream-idp.js';

const SCOPE = 'openid fhirUser user/Patient.rs';
const PROVIDER_NAME = 'Riverside Health SSO';
const linkText = messages.en.loginFederationLink.replace('{providerName}', PROVIDER_NAME);
const failureText = messages.en.loginErrorFederation.replace('{providerName}', PROVIDER_NAME);

describe('staff sign-in federated to the tenant’s OpenID Connect provider', { timeout: 60_000 }, () => {
  let s: SecuredServer;
  let idp: UpstreamIdp;
  let federation: FederationStore;

  before(async () => {
    s = await startSecuredServer();
    idp = await startUpstreamIdp(`${s.base}/oauth/federation/callback`);
    federation = new FederationStore(s.tdb.db, new Envelope(s.keyring));
  });
  after(async () => {
    await idp?.close();
    await s?.close();
  });
  beforeEach(async () => {
    await federation.set(s.tdb.tenantA, {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      displayName: PROVIDER_NAME,
      linkVerifiedEmail: false,
    });
  });

  const staff = (username: string, sub: string | null, roles = ['clinician']) =>
    s.accounts.create(s.tdb.tenantA, {
      username,
      roles,
      ...(sub ? { externalSubject: externalSubject(idp.issuer, sub) } : {}),
    });

  /** Opens the app's sign-in and follows the link to the provider and back; the page it lands on. */
  async function viaProvider(browser: FederatedBrowser) {
    const start = await browser.follow(
      browser.authorizeUrl(s.base, { clientId: s.appId, redirectUri: REDIRECT, scope: SCOPE, aud: s.fhir }),
      REDIRECT,
    );
    assert.equal(start.res?.status, 200);
    const login = (await start.res?.text()) ?? '';
    const href = /<a class="button button-secondary" href="([^"]+\/federate)">([^<]+)<\/a>/.exec(login);
    assert.ok(href, 'the sign-in page links to the provider');
    assert.equal(href[2], linkText);
    const back = await browser.follow(new URL(href[1] ?? '', s.base).href, REDIRECT);
    const page = back.res ? await back.res.text() : '';
    return { ...back, page };
  }

  /** Allows the app on the consent page and exchanges the code; the token response. */
  async function consentAndExchange(browser: FederatedBrowser, page: string) {
    const consent = formOf(page, 'consent');
    assert.ok(consent.action, 'the consent page follows');
    const done = await browser.follow(
      new URL(
        (await browser.post(new URL(consent.action, s.base).href, { csrf: consent.csrf })).headers.get(
          'location',
        ) ?? '',
        s.base,
      ).href,
      REDIRECT,
    );
    const code = new URL(done.url).searchParams.get('code');
    assert.ok(code, `the app gets a code (${done.url})`);
    const res = await exchangeCode(s.base, {
      code,
      redirectUri: REDIRECT,
      clientId: s.appId,
      verifier: browser.verifier,
    });
    assert.equal(res.status, 200);
    return (await res.json()) as { access_token: string; id_token: string };
  }

  async function loginOutcomes(): Promise<string[]> {
    const res = await s.tdb.db.query<{ event: string }>(
      s.tdb.tenantA,
      'SELECT event FROM audit_log WHERE tenant_id = $1 ORDER BY id',
      [s.tdb.tenantA],
    );
    return res.rows.flatMap((r) => {
      const entry = JSON.parse(r.event) as {
        accesses?: { action: string; outcome: string; outcomeCode?: string }[];
      };
      return (entry.accesses ?? [])
        .filter((a) => a.action === 'login')
        .map((a) => `${a.outcome}:${a.outcomeCode ?? ''}`);
    });
  }

  it('a linked staff account signs in at the provider; its second factor counts', async () => {
    const account = await staff('dr.okafor', 'okafor-001');
    idp.next = { sub: 'okafor-001', amr: ['pwd', 'mfa'] };
    const browser = new FederatedBrowser();
    const back = await viaProvider(browser);
    assert.ok(
      back.visited.some((u) => u.startsWith(`${idp.issuer}/auth?`)),
      'the browser went to the provider',
    );
    const request = idp.requests.at(-1);
    assert.equal(request?.get('client_id'), idp.clientId);
    assert.equal(request?.get('code_challenge_method'), 'S256');
    assert.equal(request?.get('redirect_uri'), `${s.base}/oauth/federation/callback`);
    assert.ok(request?.get('nonce') && request.get('state'));
    assert.ok(!back.page.includes('name="code"'), 'no OpenVisit second factor when the provider proved one');

    const tokens = await consentAndExchange(browser, back.page);
    const id = decodeJwt(tokens.id_token);
    assert.equal(id.sub, accountSubject(account.tenantId, account.id));
    assert.deepEqual(id.amr, ['fed', 'mfa']);
    const read = await s.as(tokens.access_token, 'GET', '/Patient?_count=1');
    assert.equal(read.status, 200);
    assert.ok((await loginOutcomes()).includes('success:fed-mfa'));
  });

  it('without a second factor at the provider, OpenVisit’s own TOTP step follows', async () => {
    const account = await staff('nurse.ito', 'ito-002', ['nurse']);
    idp.next = { sub: 'ito-002', amr: ['pwd'] };
    const browser = new FederatedBrowser();
    const back = await viaProvider(browser);
    assert.ok(back.page.includes('name="code"'), 'the authenticator enrolment page follows');
    const secret = /<code[^>]*>([A-Z2-7 ]+)<\/code>/.exec(back.page)?.[1]?.replace(/\s/g, '') ?? '';
    const mfa = formOf(back.page, 'mfa');
    const next = await browser.post(new URL(mfa.action, s.base).href, {
      csrf: mfa.csrf,
      code: totpCodeAt(secret, Date.now()),
    });
    const consent = await browser.follow(new URL(next.headers.get('location') ?? '', s.base).href, REDIRECT);
    const tokens = await consentAndExchange(browser, (await consent.res?.text()) ?? '');
    const id = decodeJwt(tokens.id_token);
    assert.equal(id.sub, accountSubject(account.tenantId, account.id));
    assert.deepEqual(id.amr, ['fed', 'otp']);
    assert.ok((await loginOutcomes()).includes('success:fed-otp'));
  });

  it('an identity linked to no account is refused, audited and counted', async () => {
    idp.next = {
      sub: 'stranger-999',
      email: 'stranger@example.org',
      email_verified: true,
      amr: ['pwd', 'mfa'],
    };
    const browser = new FederatedBrowser();
    const back = await viaProvider(browser);
    assert.equal(back.res?.status, 200);
    assert.ok(back.page.includes(failureText), 'the sign-in page says federation failed');
    assert.ok(back.page.includes('name="password"'), 'and offers the password form again');
    assert.ok((await loginOutcomes()).includes('denied:federation-refused'));
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(metrics, /security_login_failures_total\{reason="federation-refused"\} [1-9]/);
  });

  it('links by verified email only when the tenant allows it, and only staff', async () => {
    await staff('dr.mensah@riverside.example', null);
    await s.accounts.create(s.tdb.tenantA, {
      username: 'patient.mensah@riverside.example',
      roles: ['patient'],
      password: 'a long enough patient password',
    });
    idp.next = {
      sub: 'mensah-003',
      email: 'Dr.Mensah@riverside.example',
      email_verified: true,
      amr: ['mfa'],
    };
    let back = await viaProvider(new FederatedBrowser());
    assert.ok(back.page.includes(failureText), 'off by default: no link by email');

    const fed = await federation.get(s.tdb.tenantA);
    assert.ok(fed);
    await federation.set(s.tdb.tenantA, { ...fed, linkVerifiedEmail: true });
    idp.next = {
      sub: 'mensah-003',
      email: 'dr.mensah@riverside.example',
      email_verified: false,
      amr: ['mfa'],
    };
    back = await viaProvider(new FederatedBrowser());
    assert.ok(back.page.includes(failureText), 'an unverified email links nothing');

    idp.next = {
      sub: 'mensah-003',
      email: 'dr.mensah@riverside.example',
      email_verified: true,
      amr: ['mfa'],
    };
    back = await viaProvider(new FederatedBrowser());
    assert.ok(back.page.includes('/consent"'), 'a verified email links the staff account');
    const linked = await s.accounts.byUsername(s.tdb.tenantA, 'dr.mensah@riverside.example');
    assert.equal(linked?.externalSubject, externalSubject(idp.issuer, 'mensah-003'));

    // Another identity with the same email cannot take the linked account over.
    idp.next = {
      sub: 'impostor-004',
      email: 'dr.mensah@riverside.example',
      email_verified: true,
      amr: ['mfa'],
    };
    back = await viaProvider(new FederatedBrowser());
    assert.ok(back.page.includes(failureText));

    idp.next = {
      sub: 'pm-005',
      email: 'patient.mensah@riverside.example',
      email_verified: true,
      amr: ['mfa'],
    };
    back = await viaProvider(new FederatedBrowser());
    assert.ok(back.page.includes(failureText), 'a patient account never signs in through the staff provider');
  });

  it('cancelling at the provider returns to the sign-in page with a message', async () => {
    idp.next = 'deny';
    const back = await viaProvider(new FederatedBrowser());
    assert.equal(back.res?.status, 200);
    assert.ok(back.page.includes(failureText));
  });

  it('a callback is used once, and one with an unknown state is refused', async () => {
    await staff('dr.replay', 'replay-006');
    idp.next = { sub: 'replay-006', amr: ['mfa'] };
    const browser = new FederatedBrowser();
    const back = await viaProvider(browser);
    const callback = back.visited.find((u) => u.startsWith(`${s.base}/oauth/federation/callback?`));
    assert.ok(callback);
    const replay = await browser.fetch(callback);
    assert.equal(replay.status, 400, 'the state was taken');
    const forged = await browser.fetch(
      `${s.base}/oauth/federation/callback?code=abc&state=forged-state-value`,
    );
    assert.equal(forged.status, 400);
    const none = await browser.fetch(`${s.base}/oauth/federation/callback`);
    assert.equal(none.status, 400);
  });

  it('another browser cannot finish a sign-in started elsewhere (login CSRF)', async () => {
    await staff('dr.victim', 'attacker-007');
    idp.next = { sub: 'attacker-007', amr: ['mfa'] };
    const attacker = new FederatedBrowser();
    const start = await attacker.follow(
      attacker.authorizeUrl(s.base, { clientId: s.appId, redirectUri: REDIRECT, scope: SCOPE, aud: s.fhir }),
      REDIRECT,
    );
    const login = (await start.res?.text()) ?? '';
    const href = /href="([^"]+\/federate)"/.exec(login)?.[1] ?? '';
    // The attacker stops at the callback and hands its URL to the victim's browser.
    const steps = await attacker.follow(new URL(href, s.base).href, `${s.base}/oauth/federation/callback`);
    const victim = new FederatedBrowser();
    const landed = await victim.follow(steps.url, REDIRECT);
    assert.equal(landed.res?.status, 400, 'the victim’s browser has no such sign-in in progress');
    assert.ok(!landed.visited.some((u) => u.startsWith(REDIRECT)), 'no code reaches the app');
  });

  it('without federation the sign-in page has no provider link', async () => {
    await federation.set(s.tdb.tenantA, null);
    const browser = new FederatedBrowser();
    const start = await browser.follow(
      browser.authorizeUrl(s.base, { clientId: s.appId, redirectUri: REDIRECT, scope: SCOPE, aud: s.fhir }),
      REDIRECT,
    );
    const login = (await start.res?.text()) ?? '';
    assert.ok(login.includes('name="password"'));
    assert.ok(!login.includes('/federate"'));
  });
});
