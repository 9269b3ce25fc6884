import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { messages } from '../../src/auth/pages/messages.js';
import { OAuthBrowser, type TokenSet } from './support/oauth-client.js';
import { PASSWORD, REDIRECT, startSecuredServer, type SecuredServer } from './support/secured-server.js';

const SCOPE = 'openid fhirUser launch/patient patient/*.rs offline_access';

describe('sessions and tokens', () => {
  let s: SecuredServer;
  let patient = '';

  const signIn = async (browser = new OAuthBrowser(s.base), username = 'pat') => {
    const r = await browser.signIn({
      clientId: s.appId,
      redirectUri: REDIRECT,
      scope: SCOPE,
      username,
      password: PASSWORD,
      aud: s.fhir,
    });
    assert.ok(r.tokens, r.error);
    return { browser, tokens: r.tokens };
  };
  const refresh = (token: string) =>
    fetch(`${s.base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: s.appId }),
    });
  const read = (t: TokenSet) => s.as(t.access_token, 'GET', `/Patient/${patient}`);

  before(async () => {
    s = await startSecuredServer();
    const admin = await s.backendToken('system/*.cruds');
    patient = (await s.as(admin, 'POST', '/Patient', { resourceType: 'Patient', active: true })).body
      .id as string;
    await s.createAccount('pat', ['patient'], `Patient/${patient}`);
    await s.createAccount('pat2', ['patient'], `Patient/${patient}`);
    await s.createAccount('victim', ['patient'], `Patient/${patient}`);
  });
  after(async () => s?.close());

  it('refresh tokens rotate; replaying a used one revokes the whole family', async () => {
    const { tokens } = await signIn();
    assert.ok(tokens.refresh_token);
    assert.equal((await read(tokens)).status, 200);
    const first = await refresh(tokens.refresh_token);
    const rotated = (await first.json()) as TokenSet;
    assert.equal(first.status, 200);
    assert.ok(rotated.refresh_token && rotated.refresh_token !== tokens.refresh_token);
    const replay = await refresh(tokens.refresh_token);
    assert.equal(replay.status, 400);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');
    // The family is gone: the rotated refresh token and every access token of the grant.
    assert.equal((await refresh(rotated.refresh_token ?? '')).status, 400);
    assert.equal((await read(rotated)).status, 401);
    assert.equal((await read(tokens)).status, 401);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(metrics, /security_refresh_token_reuse_total 1/);
  });

  it('a revoked token stops working at once', async () => {
    const { tokens } = await signIn();
    assert.equal((await read(tokens)).status, 200);
    const res = await fetch(`${s.base}/oauth/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token ?? '', client_id: s.appId }),
    });
    assert.equal(res.status, 200);
    assert.equal((await read(tokens)).status, 401);
    assert.equal((await refresh(tokens.refresh_token ?? '')).status, 400);
  });

  it('signing out ends every session and token of the account', async () => {
    const one = await signIn(new OAuthBrowser(s.base), 'pat2');
    const two = await signIn(new OAuthBrowser(s.base), 'pat2');
    const page = await one.browser.fetch('/oauth/session/end');
    const html = await page.text();
    assert.equal(page.status, 200);
    const action = /action="([^"]+)"/.exec(html)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const done = await one.browser.post(action, { xsrf, logout: 'yes' });
    assert.ok(done.status < 400);
    // give the revocation (written after the response) a moment to land
    for (let i = 0; i < 20 && (await read(two.tokens)).status === 200; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal((await read(one.tokens)).status, 401);
    assert.equal((await read(two.tokens)).status, 401, 'the other session is ended too');
    assert.equal((await refresh(two.tokens.refresh_token ?? '')).status, 400);
    // Signing in again right away works: only tokens issued before the sign-out are dead.
    const again = await signIn(new OAuthBrowser(s.base), 'pat2');
    assert.equal((await read(again.tokens)).status, 200);
  });

  it('sessions end after the idle timeout: refresh tokens live as long as it', async () => {
    const { tokens } = await signIn();
    const intro = await fetch(`${s.base}/oauth/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token ?? '', client_id: s.appId }),
    });
    const info = (await intro.json()) as { active: boolean; exp: number; iat: number };
    assert.equal(info.active, true);
    assert.equal(info.exp - info.iat, 900, 'the default idle timeout is 15 minutes');
    assert.equal(
      (tokens as { session_idle_timeout?: number }).session_idle_timeout,
      900,
      'the token response tells the app the idle timeout, so it can end the session as the server does',
    );
    // Idle: the refresh token's expiry passes without use.
    await s.tdb.db.global(
      `UPDATE oidc_artifact SET expires_at = now() - interval '1 second' WHERE model = 'RefreshToken'`,
    );
    assert.equal((await refresh(tokens.refresh_token ?? '')).status, 400);
  });

  it('repeated wrong passwords lock the account, even against the right password', async () => {
    const browser = new OAuthBrowser(s.base);
    const attempt = (password: string) =>
      browser.signIn({
        clientId: s.appId,
        redirectUri: REDIRECT,
        scope: SCOPE,
        username: 'victim',
        password,
        aud: s.fhir,
      });
    for (let i = 0; i < 5; i++) assert.ok((await attempt('wrong password here')).error);
    const locked = await attempt(PASSWORD);
    assert.equal(locked.tokens, undefined);
    const lastPage = locked.pages[locked.pages.length - 1] ?? '';
    const lockedText = messages.en.loginErrorLocked.split('{')[0]?.trim() ?? '';
    assert.ok(lastPage.includes(lockedText.slice(0, 20)), 'the page says the account is locked');
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(metrics, /security_lockouts_total 1/);
    assert.match(metrics, /security_login_failures_total\{reason="invalid"\} [5-9]/);
  });
});
