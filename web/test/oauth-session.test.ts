import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { base64Url } from '../src/auth/pkce.js';
import {
  APP_SCOPE,
  OAuthSession,
  SignInError,
  appPath,
  relativeReference,
} from '../src/auth/oauth-session.js';
import type { Endpoints } from '../src/auth/endpoints.js';
import { MemoryStorage } from './memory-storage.js';

const ORIGIN = 'https://care.example.org';
const endpoints: Endpoints = {
  clientId: 'openvisit-web',
  fhirBase: `${ORIGIN}/fhir/R4`,
  authorization: `${ORIGIN}/oauth/auth`,
  token: `${ORIGIN}/oauth/token`,
  revocation: `${ORIGIN}/oauth/token/revocation`,
  endSession: `${ORIGIN}/oauth/session/end`,
};

function idToken(claims: object): string {
  const part = (o: object) => base64Url(new TextEncoder().encode(JSON.stringify(o)));
  return `${part({ alg: 'RS256' })}.${part(claims)}.sig`;
}

/** A token endpoint that records the forms it got and answers from `reply`. */
function tokenServer(reply: (form: URLSearchParams) => { status: number; body: object }) {
  const calls: { url: string; form: URLSearchParams }[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    const form = new URLSearchParams(String(init?.body ?? ''));
    calls.push({ url: String(url), form });
    const { status, body } = reply(form);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('OAuthSession', () => {
  it('asks for a code with PKCE (S256), state and the FHIR audience, and exchanges it with the verifier', async () => {
    const server = tokenServer(() => ({
      status: 200,
      body: {
        access_token: 'at-1',
        expires_in: 300,
        refresh_token: 'rt-1',
        id_token: idToken({ sub: 'u1', fhirUser: `${ORIGIN}/fhir/R4/Patient/p-1` }),
      },
    }));
    const storage = new MemoryStorage();
    const session = new OAuthSession(endpoints, storage, server.fetchImpl, ORIGIN);
    const url = new URL(await session.authorizeUrl('/app/home'));
    const q = url.searchParams;
    assert.equal(`${url.origin}${url.pathname}`, endpoints.authorization);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), 'openvisit-web');
    assert.equal(q.get('redirect_uri'), `${ORIGIN}/app/callback`);
    assert.equal(q.get('scope'), APP_SCOPE);
    assert.equal(q.get('aud'), endpoints.fhirBase);
    assert.equal(q.get('code_challenge_method'), 'S256');

    const next = await session.complete(new URLSearchParams({ code: 'c-1', state: q.get('state') ?? '' }));
    assert.equal(next, '/app/home');
    const form = server.calls[0]?.form;
    assert.ok(form);
    assert.equal(form.get('grant_type'), 'authorization_code');
    const verifier = form.get('code_verifier') ?? '';
    assert.match(verifier, /^[\w-]{43,128}$/);
    const challenge = base64Url(crypto.createHash('sha256').update(verifier).digest());
    assert.equal(q.get('code_challenge'), challenge, 'the challenge is the S256 of the verifier sent');
    assert.equal(session.current?.accessToken, 'at-1');
    assert.equal(session.current?.fhirUser, 'Patient/p-1');
    assert.equal(storage.getItem('openvisit.refresh'), 'rt-1');
  });

  it('refuses a callback whose state is not the one it sent, and an error from the server', async () => {
    const server = tokenServer(() => ({ status: 200, body: {} }));
    const session = new OAuthSession(endpoints, new MemoryStorage(), server.fetchImpl, ORIGIN);
    await session.authorizeUrl('/app/home');
    await assert.rejects(session.complete(new URLSearchParams({ code: 'c', state: 'forged' })), SignInError);
    await session.authorizeUrl('/app/home');
    await assert.rejects(session.complete(new URLSearchParams({ error: 'access_denied' })), SignInError);
    assert.equal(server.calls.length, 0, 'no code was exchanged');
  });

  it('never returns to a place outside the app after sign-in', async () => {
    const server = tokenServer(() => ({ status: 200, body: { access_token: 'a', expires_in: 60 } }));
    const session = new OAuthSession(endpoints, new MemoryStorage(), server.fetchImpl, ORIGIN);
    const state =
      new URL(await session.authorizeUrl('https://evil.example/')).searchParams.get('state') ?? '';
    assert.equal(await session.complete(new URLSearchParams({ code: 'c', state })), '/app/');
  });

  it('returns to a page of the app asked for before sign-in, never to another site', () => {
    assert.equal(appPath('/app/record/access'), '/app/record/access');
    assert.equal(appPath('/app/patients?name=kreiger'), '/app/patients?name=kreiger');
    for (const bad of [
      '/app//evil.example/',
      '//evil.example/app/',
      'https://evil.example/app/',
      'javascript:alert(1)',
      '/app/\\evil.example',
      '/app/../oauth/token',
      '/app/<script>',
      '/other/',
    ])
      assert.equal(appPath(bad), null, bad);
  });

  it('resumes from the stored refresh token, keeps the rotated one, and forgets it when refused', async () => {
    let answer = {
      status: 200,
      body: { access_token: 'at-2', expires_in: 300, refresh_token: 'rt-2' } as object,
    };
    const server = tokenServer(() => answer);
    const storage = new MemoryStorage();
    storage.setItem('openvisit.refresh', 'rt-1');
    const session = new OAuthSession(endpoints, storage, server.fetchImpl, ORIGIN);
    assert.equal((await session.resume())?.accessToken, 'at-2');
    assert.equal(server.calls[0]?.form.get('refresh_token'), 'rt-1');
    assert.equal(storage.getItem('openvisit.refresh'), 'rt-2');

    answer = { status: 400, body: { error: 'invalid_grant' } };
    assert.equal(await session.refresh(), null);
    assert.equal(session.current, null);
    assert.equal(storage.getItem('openvisit.refresh'), null);
  });

  it('signs out by revoking the refresh token and ending the server session', async () => {
    const server = tokenServer(() => ({
      status: 200,
      body: { access_token: 'at', expires_in: 300, refresh_token: 'rt', id_token: idToken({ sub: 'u' }) },
    }));
    const storage = new MemoryStorage();
    storage.setItem('openvisit.refresh', 'rt-0');
    const session = new OAuthSession(endpoints, storage, server.fetchImpl, ORIGIN);
    await session.resume();
    const leave = new URL(await session.signOut());
    const revoke = server.calls.find((c) => c.url === endpoints.revocation);
    assert.equal(revoke?.form.get('token'), 'rt');
    assert.equal(`${leave.origin}${leave.pathname}`, endpoints.endSession);
    assert.equal(leave.searchParams.get('post_logout_redirect_uri'), `${ORIGIN}/app/`);
    assert.ok(leave.searchParams.get('id_token_hint'));
    assert.equal(session.current, null);
    assert.equal(storage.getItem('openvisit.refresh'), null);
  });

  it('makes the ID token fhirUser relative', () => {
    assert.equal(relativeReference('https://h/fhir/R4/Practitioner/abc-1'), 'Practitioner/abc-1');
    assert.equal(relativeReference('nonsense'), null);
  });
});
