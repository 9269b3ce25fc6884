import crypto from 'node:crypto';
import { AccountStore, type Account } from '../../../src/auth/identity/account-store.js';
import { ClientStore } from '../../../src/auth/identity/client-store.js';
import { Envelope } from '../../../src/platform/crypto/envelope.js';
import type { AppDeps } from '../../../src/app.js';
import type { TestDatabase } from '../../support/database.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { BackendClient, OAuthBrowser, type TokenSet } from './oauth-client.js';

export const REDIRECT = 'http://127.0.0.1:9/callback';
export const PASSWORD = 'correct horse battery staple';

export interface SecuredServer extends TestServer {
  base: string;
  accounts: AccountStore;
  clients: ClientStore;
  /** A public SMART app registered for every patient/user scope. */
  appId: string;
  createAccount(username: string, roles: string[], fhirUser?: string): Promise<Account>;
  /** Signs in through the pages (enrolling MFA for staff) and returns the tokens. */
  signIn(username: string, scope: string, opts?: { launch?: string }): Promise<TokenSet>;
  backend(scope?: string, tenantId?: number): Promise<{ client: BackendClient; clientId: string }>;
  /** An access token of a backend service of tenant A (or `tenantId`) with `scope`. */
  backendToken(scope: string, tenantId?: number): Promise<string>;
  keyring: { id: string; key: Buffer }[];
  /** A request with a bearer token. */
  as(token: string, method: string, path: string, body?: unknown): ReturnType<TestServer['request']>;
}

/** A real OpenVisit server with the security layer on, on a fresh database. */
export async function startSecuredServer(
  env: Record<string, string> = {},
  more: { visits?: AppDeps['visits']; tdb?: TestDatabase; keyring?: { id: string; key: Buffer }[] } = {},
): Promise<SecuredServer> {
  const keyring = more.keyring ?? [{ id: 'test', key: crypto.randomBytes(32) }];
  const server = await startTestServer({
    security: { mode: 'secured', keyring },
    env,
    ...(more.visits ? { visits: more.visits } : {}),
    ...(more.tdb ? { tdb: more.tdb } : {}),
  });
  const base = server.fhir.replace(/\/fhir\/R4$/, '');
  const envelope = new Envelope(keyring);
  const accounts = new AccountStore(server.tdb.db, envelope);
  const clients = new ClientStore(server.tdb.db, envelope);
  const tenantId = server.tdb.tenantA;
  const app = await clients.create(tenantId, {
    kind: 'public',
    name: 'Test SMART app',
    redirectUris: [REDIRECT],
    scope: 'openid fhirUser offline_access online_access launch launch/patient patient/*.cruds user/*.cruds',
  });
  const mfa = new Map<string, string>();
  return {
    ...server,
    base,
    accounts,
    clients,
    appId: app.client.clientId,
    createAccount: (username, roles, fhirUser) =>
      accounts.create(tenantId, { username, password: PASSWORD, roles, ...(fhirUser ? { fhirUser } : {}) }),
    async signIn(username, scope, opts = {}) {
      const browser = new OAuthBrowser(base);
      const secret = mfa.get(username);
      const result = await browser.signIn({
        clientId: app.client.clientId,
        redirectUri: REDIRECT,
        scope,
        username,
        password: PASSWORD,
        aud: server.fhir,
        ...(secret ? { mfa: { secret } } : {}),
        ...(opts.launch ? { launch: opts.launch } : {}),
      });
      if (result.mfaSecret) mfa.set(username, result.mfaSecret);
      if (!result.tokens) throw new Error(`sign-in failed: ${result.error}`);
      return result.tokens;
    },
    keyring,
    async backend(scope = 'system/*.rs', tenant = tenantId) {
      const client = await BackendClient.create();
      const created = await clients.create(tenant, {
        kind: 'backend',
        name: 'Test backend service',
        jwks: { keys: [client.publicJwk as Record<string, unknown>] },
        scope,
      });
      return { client, clientId: created.client.clientId };
    },
    async backendToken(scope, tenant = tenantId) {
      const client = await BackendClient.create();
      const created = await clients.create(tenant, {
        kind: 'backend',
        name: 'Test backend service',
        jwks: { keys: [client.publicJwk as Record<string, unknown>] },
        scope,
      });
      const res = await client.token(base, created.client.clientId, scope);
      const body = (await res.json()) as { access_token?: string; error_description?: string };
      if (!body.access_token)
        throw new Error(`backend token refused: ${body.error_description ?? res.status}`);
      return body.access_token;
    },
    as(token, method, path, body) {
      return server.request(method, path, body, { authorization: `Bearer ${token}` });
    },
  };
}
