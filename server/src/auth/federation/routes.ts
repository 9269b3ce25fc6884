import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { ClientStore } from '../identity/client-store.js';
import type { AccountStore } from '../identity/account-store.js';
import { requireSecondFactor, type InteractionStates } from '../oidc/interaction-state.js';
import { pageReplies } from '../oidc/page-replies.js';
import type { SignInEvents } from '../oidc/sign-in-events.js';
import { matchAccount } from './account-match.js';
import type { FederationStore } from './federation-store.js';
import { provedSecondFactor, UpstreamError, type Upstream } from './upstream.js';

/** The sign-in page's way out to the tenant's identity provider. */
export interface FederationLink {
  displayName: string;
  url: string;
}

export interface FederationDeps {
  provider: () => Provider;
  /** Path of the issuer, e.g. `/oauth`. */
  basePath: string;
  /** Absolute URL of the callback route, as registered at the provider. */
  callbackUrl: string;
  stylesheetUrl: string;
  clients: ClientStore;
  accounts: AccountStore;
  states: InteractionStates;
  store: FederationStore;
  upstream: Upstream;
  events: SignInEvents;
  log: (msg: string, detail: Record<string, unknown>) => void;
}

const uidParams = {
  type: 'object',
  properties: { uid: { type: 'string', pattern: '^[A-Za-z0-9_-]{10,64}$' } },
  required: ['uid'],
} as const;
const callbackQuery = {
  type: 'object',
  properties: {
    state: { type: 'string', maxLength: 512 },
    code: { type: 'string', maxLength: 4096 },
    error: { type: 'string', maxLength: 256 },
    iss: { type: 'string', maxLength: 2048 },
  },
} as const;
const redirectOrPage = { 200: { type: 'string' }, 303: { type: 'null' }, 400: { type: 'string' } } as const;

/**
 * Staff sign-in federated to the tenant's OpenID Connect provider. From the sign-in page the browser
 * goes to the provider (`/interaction/:uid/federate`) and comes back to `/federation/callback`; the
 * provider's ID token names the person, who must be a linked (or, when the tenant allows, a
 * verified-email) staff account. If the provider reports a second factor it counts; otherwise our
 * TOTP step follows. The interaction then finishes as any sign-in does (oidc/interaction-routes.ts).
 */
export function federationRoutes(app: FastifyInstance, deps: FederationDeps): void {
  const { expired } = pageReplies(deps.stylesheetUrl);
  const interactionPath = (uid: string) => `${deps.basePath}/interaction/${uid}`;

  app.get(
    '/interaction/:uid/federate',
    { schema: { params: uidParams, hide: true, response: redirectOrPage } },
    async (req, reply) => {
      const { uid } = req.params as { uid: string };
      const found = await loginInteraction(deps, req, reply, uid);
      if (!found) return expired(req, reply);
      const fed = await deps.store.get(found.tenantId);
      if (!fed) return expired(req, reply);
      try {
        const start = await deps.upstream.begin(fed);
        await deps.store.savePending(start.state, {
          tenantId: found.tenantId,
          clientId: found.clientId,
          uid,
          nonce: start.nonce,
          codeVerifier: start.codeVerifier,
        });
        return reply.redirect(start.url.href, 303);
      } catch (e) {
        if (!(e instanceof UpstreamError)) throw e;
        deps.log('federation: provider unavailable', { tenantId: found.tenantId, problem: e.message });
        return reply.redirect(`${interactionPath(uid)}?error=federation`, 303);
      }
    },
  );

  app.get(
    '/federation/callback',
    { schema: { querystring: callbackQuery, hide: true, response: redirectOrPage } },
    async (req, reply) => {
      const query = req.query as { state?: string; code?: string; error?: string };
      const state = query.state;
      const pending = state ? await deps.store.takePending(state) : null;
      if (!state || !pending) return expired(req, reply);
      const back = (failed: boolean) =>
        reply.redirect(`${interactionPath(pending.uid)}${failed ? '?error=federation' : ''}`, 303);
      const at = { address: req.ip, clientId: pending.clientId };
      const fed = await deps.store.get(pending.tenantId);
      if (!fed) return expired(req, reply);
      if (query.error) {
        // Cancelled or refused at the provider: nobody was identified, so nothing is audited.
        deps.log('federation: provider returned an error', {
          tenantId: pending.tenantId,
          error: query.error,
        });
        return back(true);
      }
      let identity;
      try {
        identity = await deps.upstream.complete(fed, callbackUrlOf(deps.callbackUrl, req), {
          ...pending,
          state,
        });
      } catch (e) {
        if (!(e instanceof UpstreamError)) throw e;
        deps.log('federation: response rejected', { tenantId: pending.tenantId, problem: e.message });
        await deps.events.loginFailed(pending.tenantId, null, 'federation-refused', at);
        return back(true);
      }
      const match = await matchAccount(deps.accounts, pending.tenantId, fed, identity);
      if (!match.ok) {
        deps.log('federation: no account for the identity', {
          tenantId: pending.tenantId,
          reason: match.reason,
        });
        await deps.events.loginFailed(pending.tenantId, match.account, 'federation-refused', at);
        return back(true);
      }
      const { account } = match;
      if (provedSecondFactor(identity)) {
        await deps.states.save(pending.uid, account, 'federated', true);
        await deps.events.loginSucceeded(account, { ...at, method: 'fed-mfa' });
      } else {
        await requireSecondFactor(deps.states, deps.accounts, pending.uid, account, true);
      }
      return back(false);
    },
  );
}

/** The sign-in interaction behind the browser's cookie, if it is waiting for a login. */
async function loginInteraction(deps: FederationDeps, req: FastifyRequest, reply: FastifyReply, uid: string) {
  try {
    const d = await deps.provider().interactionDetails(req.raw, reply.raw);
    if (d.uid !== uid || d.prompt.name !== 'login') return null;
    const client = await deps.clients.find(String(d.params.client_id ?? ''));
    return client ? { tenantId: client.tenantId, clientId: client.clientId } : null;
  } catch {
    return null;
  }
}

/** The callback as the provider redirected to it: the registered URL with the query received. */
function callbackUrlOf(registered: string, req: FastifyRequest): URL {
  const url = new URL(registered);
  url.search = new URL(req.url, 'http://callback.invalid').search;
  return url;
}
