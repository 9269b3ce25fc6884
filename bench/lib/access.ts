import { AccountStore } from '../../server/src/auth/identity/account-store.js';
import { ClientStore } from '../../server/src/auth/identity/client-store.js';
import { Envelope } from '../../server/src/platform/crypto/envelope.js';
import { loadKeyring } from '../../server/src/platform/crypto/keyring.js';
import { Database } from '../../server/src/platform/db/pool.js';
import { ensureTenant } from '../../server/src/platform/db/tenants.js';
import { BackendClient, OAuthBrowser } from '../../server/test/auth/support/oauth-client.js';
import type { RunningServer } from './openvisit.js';

/** A bearer token that stays valid while the bench runs (client-credentials tokens live 5 minutes). */
export interface TokenSource {
  token(): string;
  stop(): void;
}

const RENEW_MS = 200_000;
const REDIRECT = 'http://127.0.0.1:9/bench-callback';

/**
 * The bench's callers, registered the way an operator would (accounts and clients of the default
 * tenant, sealed with the server's own master keys): a SMART Backend Services client, and patients
 * who sign in through the real pages.
 */
export class BenchAccess {
  private constructor(
    private readonly server: RunningServer,
    private readonly db: Database,
    private readonly tenantId: number,
    private readonly accounts: AccountStore,
    private readonly clients: ClientStore,
  ) {}

  static async open(server: RunningServer): Promise<BenchAccess> {
    const db = new Database(server.databaseUrl, { max: 2 });
    const envelope = new Envelope(loadKeyring({ env: process.env, dataDir: server.dataDir }));
    const tenantId = await ensureTenant(db, process.env.OPENVISIT_TENANT || 'default');
    return new BenchAccess(
      server,
      db,
      tenantId,
      new AccountStore(db, envelope),
      new ClientStore(db, envelope),
    );
  }

  /** A backend service's token for `scope`, renewed in the background. */
  async backend(scope: string): Promise<TokenSource> {
    const client = await BackendClient.create();
    const { client: stored } = await this.clients.create(this.tenantId, {
      kind: 'backend',
      name: 'benchmark service',
      jwks: { keys: [client.publicJwk as Record<string, unknown>] },
      scope,
    });
    const fetchToken = async () => {
      const res = await client.token(this.server.origin, stored.clientId, scope);
      const body = (await res.json()) as { access_token?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token refused: ${body.error_description ?? res.status}`);
      return body.access_token;
    };
    let current = await fetchToken();
    const timer = setInterval(() => {
      fetchToken().then(
        (t) => (current = t),
        () => undefined,
      );
    }, RENEW_MS);
    timer.unref();
    return { token: () => current, stop: () => clearInterval(timer) };
  }

  /** A patient's SMART token (signed in through the pages), for their own record. */
  async patient(
    patientId: string,
    scope = 'openid fhirUser launch/patient offline_access patient/*.rs',
  ): Promise<TokenSource> {
    const username = `bench-patient-${patientId.slice(0, 8)}-${Date.now()}`;
    const password = 'bench passphrase that is long enough';
    await this.accounts.create(this.tenantId, {
      username,
      password,
      roles: ['patient'],
      fhirUser: `Patient/${patientId}`,
    });
    const { client } = await this.clients.create(this.tenantId, {
      kind: 'public',
      name: 'benchmark app',
      redirectUris: [REDIRECT],
      scope,
    });
    const browser = new OAuthBrowser(this.server.origin);
    const signIn = await browser.signIn({
      clientId: client.clientId,
      redirectUri: REDIRECT,
      scope,
      username,
      password,
      aud: `${this.server.origin}${this.server.fhirPath}`,
    });
    if (!signIn.tokens) throw new Error(`patient sign-in failed: ${signIn.error}`);
    let { access_token: current, refresh_token: refresh } = signIn.tokens;
    const timer = setInterval(() => {
      void fetch(`${this.server.origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refresh ?? '',
          client_id: client.clientId,
        }),
      })
        .then((r) => r.json() as Promise<{ access_token?: string; refresh_token?: string }>)
        .then((b) => {
          if (b.access_token) current = b.access_token;
          if (b.refresh_token) refresh = b.refresh_token;
        })
        .catch(() => undefined);
    }, RENEW_MS);
    timer.unref();
    return { token: () => current, stop: () => clearInterval(timer) };
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
