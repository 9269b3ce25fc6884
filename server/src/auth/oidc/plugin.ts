import type { FastifyPluginAsync } from 'fastify';
import type { PatientFinder } from '../access/patient-finder.js';
import type { AuthServices } from '../auth-services.js';
import { STYLESHEET } from '../pages/index.js';
import { SUPPORTED_SCOPES } from '../policy/scopes.js';
import { federationRoutes } from '../federation/routes.js';
import { interactionRoutes } from './interaction-routes.js';
import type { SignInEvents } from './sign-in-events.js';

export interface OidcPluginOptions {
  auth: AuthServices;
  events: SignInEvents;
  /** For what must reach operators but not users: why a federated sign-in failed. */
  warn: (msg: string, detail: Record<string, unknown>) => void;
  tenantName: (tenantId: number) => Promise<string>;
  patients: PatientFinder;
}

// oidc-provider writes its own responses; the API's headers still apply to them.
const PROVIDER_HEADERS: [string, string][] = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
  [
    'content-security-policy',
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  ],
];

/**
 * The authorization server under `/oauth` (app.ts registers it with that prefix): oidc-provider's
 * endpoints, the sign-in pages, and their stylesheet. SMART discovery lives beside the FHIR API.
 */
export const oidcPlugin: FastifyPluginAsync<OidcPluginOptions> = async (app, opts) => {
  const { auth } = opts;
  const basePath = new URL(auth.issuer).pathname;
  const stylesheetUrl = `${basePath}/assets/pages.css`;

  // oidc-provider reads request bodies itself: leave the stream unread.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_req, _payload, done) => done(null));
    raw.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url: '/*',
      schema: { hide: true },
      handler: async (req, reply) => {
        const path = (req.raw.url ?? '').slice(basePath.length).split('?')[0];
        if (path === '/auth' && req.method === 'POST') {
          // Authorization requests are handled as GET, where their parameters can be adjusted.
          const body = await readForm(req.raw);
          return reply.redirect(`${basePath}/auth?${withOfflineConsent(body)}`, 303);
        }
        if (path === '/auth') {
          const q = (req.raw.url ?? '').indexOf('?');
          if (q >= 0)
            req.raw.url = `${(req.raw.url ?? '').slice(0, q)}?${withOfflineConsent((req.raw.url ?? '').slice(q + 1))}`;
        }
        reply.hijack();
        for (const [k, v] of PROVIDER_HEADERS) reply.raw.setHeader(k, v);
        reply.raw.setHeader('x-request-id', req.id);
        const original = req.raw.url ?? '/';
        // The provider routes relative to its mount point and builds URLs from the issuer.
        (req.raw as { originalUrl?: string }).originalUrl = original;
        req.raw.url = original.slice(basePath.length) || '/';
        auth.provider().callback()(req.raw, reply.raw);
      },
    });
  });

  await app.register(async (forms) => {
    forms.removeAllContentTypeParsers();
    forms.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      async (_req: unknown, body: string | Buffer) =>
        Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))),
    );
    interactionRoutes(forms, {
      provider: () => auth.provider(),
      basePath,
      states: auth.interactions,
      accounts: auth.accounts,
      clients: auth.clients,
      launches: auth.launches,
      events: opts.events,
      cookieSecret: auth.cookieSecret,
      stylesheetUrl,
      tenantName: opts.tenantName,
      grantLifetimeSeconds: (tenantId) => auth.policies.get(tenantId).sessionLifetimeSeconds,
      patients: opts.patients,
      federationLink: async (tenantId, uid) => {
        const fed = await auth.federation.get(tenantId);
        return fed
          ? { federation: { displayName: fed.displayName, url: `${basePath}/interaction/${uid}/federate` } }
          : null;
      },
    });
    federationRoutes(forms, {
      provider: () => auth.provider(),
      basePath,
      callbackUrl: auth.federationCallbackUrl,
      stylesheetUrl,
      clients: auth.clients,
      accounts: auth.accounts,
      states: auth.interactions,
      store: auth.federation,
      upstream: auth.upstream,
      events: opts.events,
      log: opts.warn,
    });
  });

  app.get(
    '/assets/pages.css',
    { schema: { hide: true, response: { 200: { type: 'string' } } } },
    async (_req, reply) =>
      reply
        .header('content-type', 'text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(STYLESHEET),
  );
};

/**
 * OpenID Connect grants `offline_access` only when the request prompts for consent; SMART apps ask
 * for it without `prompt`, and our consent page is shown for every new grant anyway, so the prompt
 * is made explicit.
 */
export function withOfflineConsent(query: string): string {
  const params = new URLSearchParams(query);
  const scopes = (params.get('scope') ?? '').split(' ');
  if (!scopes.includes('offline_access')) return params.toString();
  const prompts = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (prompts.includes('none')) return params.toString();
  if (!prompts.includes('consent')) params.set('prompt', [...prompts, 'consent'].join(' '));
  return params.toString();
}

const FORM_LIMIT = 64 * 1024;

async function readForm(req: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > FORM_LIMIT) throw new Error('authorization request too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** SMART App Launch discovery document, served at `<fhir base>/.well-known/smart-configuration`. */
export function smartConfiguration(auth: AuthServices): Record<string, unknown> {
  const provider = auth.provider();
  return {
    issuer: auth.issuer,
    jwks_uri: provider.urlFor('jwks'),
    authorization_endpoint: provider.urlFor('authorization'),
    token_endpoint: provider.urlFor('token'),
    introspection_endpoint: provider.urlFor('introspection'),
    revocation_endpoint: provider.urlFor('revocation'),
    userinfo_endpoint: provider.urlFor('userinfo'),
    end_session_endpoint: provider.urlFor('end_session'),
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: [
      'none',
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'ES256', 'ES384'],
    scopes_supported: SUPPORTED_SCOPES,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-ehr',
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'client-confidential-asymmetric',
      'context-passthrough-banner',
      'context-ehr-patient',
      'context-ehr-encounter',
      'context-standalone-patient',
      'permission-offline',
      'permission-online',
      'permission-patient',
      'permission-user',
      'permission-v1',
      'permission-v2',
      'sso-openid-connect',
      'authorize-post',
    ],
  };
}
