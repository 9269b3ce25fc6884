import Provider, {
  errors,
  type Configuration,
  type ErrorOut,
  type KoaContextWithOIDC,
  type ResourceServer,
  type UnknownObject,
} from 'oidc-provider';
import type { Envelope } from '../../platform/crypto/envelope.js';
import type { Database } from '../../platform/db/pool.js';
import { parseAccountSubject, type AccountStore } from '../identity/account-store.js';
import type { ClientStore } from '../identity/client-store.js';
import { grantTag } from '../identity/digest.js';
import type { LaunchContexts } from '../identity/launch-contexts.js';
import type { SigningKeySet } from '../identity/signing-keys.js';
import type { TenantPolicies } from '../identity/tenant-policies.js';
import type { RevocationList } from '../tokens/revocations.js';
import { destroyAccountArtifacts, postgresAdapter } from './adapter.js';
import { keepPromiseHooksOff } from './async-context.js';
import { grantableResourceScopes } from './resource-scopes.js';

/** Lifetimes, in seconds. Access tokens are short; sessions follow the tenant's idle and absolute limits. */
export const TOKEN_TTL = {
  accessToken: 600,
  clientCredentials: 300,
  authorizationCode: 60,
  idToken: 3600,
  interaction: 900,
} as const;
/** Longer than any token lives: how long a revocation must be remembered. */
export const REVOCATION_TTL = 24 * 3600;

export const SMART_LAUNCH_SCOPES = [
  'openid',
  'fhirUser',
  'offline_access',
  'online_access',
  'launch',
  'launch/patient',
  'launch/encounter',
];

export interface ProviderDeps {
  issuer: string;
  fhirBaseUrl: string;
  db: Database;
  envelope: Envelope;
  accounts: AccountStore;
  clients: ClientStore;
  launches: LaunchContexts;
  policies: TenantPolicies;
  revocations: RevocationList;
  keys: SigningKeySet;
  cookieSecret: string;
  /** Renders the provider's own HTML moments (errors, logout) with our pages. */
  views: {
    error(ctx: KoaContextWithOIDC, out: ErrorOut): string;
    logoutConfirm(ctx: KoaContextWithOIDC, form: string): string;
    loggedOut(ctx: KoaContextWithOIDC): string;
  };
}

type TokenLike = {
  kind?: string;
  accountId?: string;
  clientId?: string;
  grantId?: string;
  iiat?: number;
};

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The scope texts a request could end up with: asked for now, or carried by the code/token/grant it uses. */
function candidateScopes(ctx: KoaContextWithOIDC, resource: string): Set<string> {
  const out = new Set<string>();
  const add = (s: unknown) => {
    if (typeof s === 'string') for (const t of s.split(' ')) if (t) out.add(t);
  };
  add(ctx.oidc.params?.scope);
  const e = ctx.oidc.entities;
  add(e.AuthorizationCode?.scope);
  add(e.RefreshToken?.scope);
  if (e.Grant) add(e.Grant.getResourceScope(resource));
  return out;
}

/**
 * The OpenID Connect / OAuth 2 authorization server (oidc-provider), configured for SMART App Launch
 * 2.0 and SMART Backend Services: PKCE always, refresh tokens rotated with reuse detection, JWT
 * access tokens for the FHIR server carrying the tenant, roles and launch context.
 */
export function createProvider(deps: ProviderDeps): Provider {
  const { fhirBaseUrl, accounts, clients, launches, policies, revocations } = deps;

  const tenantOfSub = (sub: string | undefined) => (sub ? parseAccountSubject(sub)?.tenantId : undefined);
  const policyOf = (sub: string | undefined) => {
    const tenantId = tenantOfSub(sub);
    return tenantId === undefined ? undefined : policies.get(tenantId);
  };

  const configuration: Configuration = {
    adapter: postgresAdapter(deps.db, deps.envelope, clients, {
      onGrantRevoked: (grantId) => revocations.revokeGrant(grantTag(grantId), REVOCATION_TTL),
    }),
    jwks: { keys: deps.keys.keys },
    cookies: {
      keys: [deps.cookieSecret],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    async findAccount(_ctx, sub) {
      const account = await accounts.bySubject(sub);
      if (!account || account.disabled) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            ...(account.fhirUser ? { fhirUser: `${fhirBaseUrl}/${account.fhirUser}` } : {}),
          };
        },
      };
    },
    // amr/acr tell an app how the person signed in (password, TOTP, the tenant's provider).
    claims: { openid: ['sub', 'acr', 'amr'], fhirUser: ['fhirUser'] },
    // SMART apps read fhirUser from the ID token, not from userinfo.
    conformIdTokenClaims: false,
    scopes: SMART_LAUNCH_SCOPES,
    responseTypes: ['code'],
    subjectTypes: ['public'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS256', 'RS384', 'ES256', 'ES384'],
      idTokenSigningAlgValues: ['RS256'],
      requestObjectSigningAlgValues: ['RS256', 'ES256'],
    },
    pkce: { required: () => true },
    extraParams: {
      // SMART: `aud` names the FHIR server the token is for; a token for anything else is refused.
      async aud(_ctx, value) {
        if (value !== undefined && value.replace(/\/$/, '') !== fhirBaseUrl)
          throw new errors.InvalidRequest('aud must be the FHIR base URL of this server');
      },
      async launch(ctx, value, client) {
        if (value === undefined) return;
        const context = await launches.resolveLaunch(value);
        const stored = client ? await clients.find(client.clientId) : null;
        if (!context || !stored || context.tenantId !== stored.tenantId)
          throw new errors.InvalidRequest('launch is unknown or expired');
        (ctx.oidc as unknown as { ovLaunch?: unknown }).ovLaunch = context;
      },
    },
    interactions: {
      url: (_ctx, interaction) => `${new URL(deps.issuer).pathname}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = deps.views.logoutConfirm(ctx, form);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = deps.views.loggedOut(ctx);
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every token is for the FHIR server, whether or not the client names it.
        defaultResource: () => fhirBaseUrl,
        useGrantedResource: () => true,
        async getResourceServerInfo(ctx, indicator, client): Promise<ResourceServer> {
          if (indicator.replace(/\/$/, '') !== fhirBaseUrl) throw new errors.InvalidTarget();
          const stored = await clients.find(client.clientId);
          if (!stored) throw new errors.InvalidClient();
          const backend = stored.kind === 'backend';
          const scope = grantableResourceScopes(
            candidateScopes(ctx, indicator),
            stored.scope,
            backend ? 'backend' : 'interactive',
          ).join(' ');
          return {
            scope,
            audience: fhirBaseUrl,
            accessTokenFormat: 'jwt',
            accessTokenTTL: backend ? TOKEN_TTL.clientCredentials : TOKEN_TTL.accessToken,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    async extraTokenClaims(_ctx, token): Promise<UnknownObject | undefined> {
      const t = token as unknown as TokenLike;
      if (t.kind === 'ClientCredentials') {
        const client = t.clientId ? await clients.find(t.clientId) : null;
        if (!client) throw new errors.InvalidClient();
        return { tid: client.tenantId, roles: [], svc: true, ims: Date.now() };
      }
      const account = t.accountId ? await accounts.bySubject(t.accountId) : null;
      if (!account || account.disabled) throw new errors.InvalidGrant('account is not active');
      const context = t.grantId ? await launches.grantContext(t.grantId) : null;
      // A patient's tokens are always about that patient, whatever the app asked for.
      const ownPatient = account.fhirUser?.startsWith('Patient/') ? account.fhirUser.slice(8) : undefined;
      const patient = ownPatient ?? context?.patient;
      return {
        tid: account.tenantId,
        ims: Date.now(),
        roles: account.roles,
        ...(account.fhirUser ? { fhirUser: account.fhirUser } : {}),
        ...(patient ? { patient } : {}),
        ...(context?.encounter ? { encounter: context.encounter } : {}),
        ...(t.grantId ? { gid: grantTag(t.grantId) } : {}),
      };
    },
    ttl: {
      AccessToken: TOKEN_TTL.accessToken,
      ClientCredentials: TOKEN_TTL.clientCredentials,
      AuthorizationCode: TOKEN_TTL.authorizationCode,
      IdToken: TOKEN_TTL.idToken,
      Interaction: TOKEN_TTL.interaction,
      // Sliding: saved on each use. Ends after the idle timeout, and at the absolute lifetime anyway.
      Session(_ctx, session) {
        const policy = policyOf(session.accountId);
        if (!policy) return TOKEN_TTL.interaction;
        const loginTs = session.loginTs ?? nowSeconds();
        const left = policy.sessionLifetimeSeconds - (nowSeconds() - loginTs);
        return Math.max(1, Math.min(policy.idleTimeoutSeconds, left));
      },
      Grant(_ctx, grant) {
        return policyOf(grant.accountId)?.sessionLifetimeSeconds ?? TOKEN_TTL.idToken;
      },
      // Each refresh rotates the token: unused for the idle timeout it dies; never beyond the lifetime.
      RefreshToken(_ctx, token) {
        const t = token as unknown as TokenLike;
        const policy = policyOf(t.accountId);
        if (!policy) return 1;
        const left = policy.sessionLifetimeSeconds - (nowSeconds() - (t.iiat ?? nowSeconds()));
        return Math.max(1, Math.min(policy.idleTimeoutSeconds, left));
      },
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || code.scopes.has('online_access')),
    // Browser apps call the token endpoint cross-origin: only from where their redirect URIs live.
    clientBasedCORS(_ctx, origin, client) {
      return (client.redirectUris ?? []).some((u) => {
        try {
          return new URL(u).origin === origin;
        } catch {
          return false;
        }
      });
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = deps.views.error(ctx, out);
    },
  };

  keepPromiseHooksOff();
  const provider = new Provider(deps.issuer, configuration);

  // SMART: the token response states the launch context next to the access token.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body.access_token !== 'string') return;
    const claims = decodePayload(body.access_token);
    if (typeof claims.patient === 'string') {
      body.patient = claims.patient;
      body.need_patient_banner = true;
    }
    if (typeof claims.encounter === 'string') body.encounter = claims.encounter;
    // Apps that keep a session (the web app) end it after the tenant's idle time, as the server does:
    // an unused refresh token dies then (RefreshToken ttl above).
    const policy =
      typeof body.refresh_token === 'string' ? policyOf(stringOrUndefined(claims.sub)) : undefined;
    if (policy) body.session_idle_timeout = policy.idleTimeoutSeconds;
  });

  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const sub = ctx.oidc.session?.accountId;
    if (!sub) return;
    // Signing out ends the session everywhere: every token of the account, every session and grant.
    void revocations
      .revokeSubject(sub, REVOCATION_TTL)
      .then(() => destroyAccountArtifacts(deps.db, sub))
      .catch((err: unknown) => ctx.app.emit('error', err, ctx));
  });

  return provider;
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function decodePayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
