import type Provider from 'oidc-provider';
import type { Envelope } from '../platform/crypto/envelope.js';
import { instanceSecret } from '../platform/db/instance-secret.js';
import type { Database } from '../platform/db/pool.js';
import { FederationStore } from './federation/federation-store.js';
import { Upstream } from './federation/upstream.js';
import { AccountStore } from './identity/account-store.js';
import { ClientStore } from './identity/client-store.js';
import { LaunchContexts } from './identity/launch-contexts.js';
import { SigningKeys, type SigningKeySet } from './identity/signing-keys.js';
import { TenantPolicies } from './identity/tenant-policies.js';
import { sweepExpiredArtifacts } from './oidc/adapter.js';
import { InteractionStates } from './oidc/interaction-state.js';
import { createProvider, type ProviderDeps } from './oidc/provider.js';
import { AccessTokenVerifier } from './tokens/access-token.js';
import { RevocationList } from './tokens/revocations.js';

export interface AuthOptions {
  db: Database;
  envelope: Envelope;
  /** Public base URL of the server, e.g. `http://localhost:8080`. */
  baseUrl: string;
  fhirBaseUrl: string;
  views: ProviderDeps['views'];
  /** How often signing keys are re-read (rotation by another process); default one minute. */
  keyPollMs?: number;
  /** Told of every provider built (at start and after key rotation), to subscribe to its events. */
  onProvider?: (provider: Provider) => void;
}

export const ISSUER_PATH = '/oauth';

/**
 * The identity layer's long-lived parts, shared by the authorization server routes and the access
 * check on every API request. The provider is rebuilt when the signing keys change
 * (`openvisit keys rotate`), so a rotation needs no restart.
 */
export class AuthServices {
  readonly issuer: string;
  readonly accounts: AccountStore;
  readonly clients: ClientStore;
  readonly launches: LaunchContexts;
  readonly policies: TenantPolicies;
  readonly revocations: RevocationList;
  readonly signingKeys: SigningKeys;
  readonly interactions: InteractionStates;
  readonly federation: FederationStore;
  readonly upstream: Upstream;
  verifier!: AccessTokenVerifier;
  cookieSecret = '';
  private current!: Provider;
  private keys!: SigningKeySet;
  private timers: NodeJS.Timeout[] = [];

  readonly db: Database;

  constructor(private readonly opts: AuthOptions) {
    this.db = opts.db;
    this.issuer = `${opts.baseUrl}${ISSUER_PATH}`;
    this.accounts = new AccountStore(opts.db, opts.envelope);
    this.clients = new ClientStore(opts.db, opts.envelope);
    this.launches = new LaunchContexts(opts.db);
    this.policies = new TenantPolicies(opts.db);
    this.revocations = new RevocationList(opts.db);
    this.signingKeys = new SigningKeys(opts.db, opts.envelope);
    this.interactions = new InteractionStates(opts.db);
    this.federation = new FederationStore(opts.db, opts.envelope);
    this.upstream = new Upstream(this.federationCallbackUrl);
  }

  /** Where tenants' identity providers send the browser back (registered there as the redirect URI). */
  get federationCallbackUrl(): string {
    return `${this.issuer}/federation/callback`;
  }

  get fhirBaseUrl(): string {
    return this.opts.fhirBaseUrl;
  }

  provider(): Provider {
    return this.current;
  }

  async start(): Promise<void> {
    this.cookieSecret = await instanceSecret(this.opts.db, 'oidc-cookie');
    await this.policies.start();
    await this.revocations.start();
    this.keys = await this.signingKeys.load();
    this.verifier = new AccessTokenVerifier(
      { issuer: this.issuer, audience: this.opts.fhirBaseUrl, revocations: this.revocations },
      this.keys.keys,
    );
    this.current = this.build();
    const keyPoll = setInterval(
      () => void this.reloadKeys().catch(() => undefined),
      this.opts.keyPollMs ?? 60_000,
    );
    const sweep = setInterval(() => void sweepExpiredArtifacts(this.opts.db).catch(() => undefined), 600_000);
    for (const t of [keyPoll, sweep]) t.unref();
    this.timers.push(keyPoll, sweep);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.policies.stop();
    this.revocations.stop();
  }

  /** Picks up rotated keys; the verifier then accepts tokens of every published key. */
  async reloadKeys(): Promise<boolean> {
    const keys = await this.signingKeys.load();
    if (keys.version === this.keys.version) return false;
    this.keys = keys;
    this.verifier.setKeys(keys.keys);
    this.current = this.build();
    return true;
  }

  private build(): Provider {
    const provider = createProvider({
      issuer: this.issuer,
      fhirBaseUrl: this.opts.fhirBaseUrl,
      db: this.opts.db,
      envelope: this.opts.envelope,
      accounts: this.accounts,
      clients: this.clients,
      launches: this.launches,
      policies: this.policies,
      revocations: this.revocations,
      keys: this.keys,
      cookieSecret: this.cookieSecret,
      views: this.opts.views,
    });
    this.opts.onProvider?.(provider);
    return provider;
  }
}
