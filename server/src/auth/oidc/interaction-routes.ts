import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { afterFailure, afterSuccess, isLocked } from '../credentials/lockout.js';
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from '../credentials/passwords.js';
import { totpUri, verifyTotp } from '../credentials/totp.js';
import { accountSubject, type Account, type AccountStore } from '../identity/account-store.js';
import type { ClientStore, StoredClient } from '../identity/client-store.js';
import type { LaunchContexts } from '../identity/launch-contexts.js';
import {
  consentPage,
  loginPage,
  mfaEnrollPage,
  mfaVerifyPage,
  patientPickerPage,
  qrSvg,
  type ConsentScope,
  type LoginError,
} from '../pages/index.js';
import { parseScope } from '../policy/scopes.js';
import { STAFF_ROLES } from '../policy/roles.js';
import type { FederationLink } from '../federation/routes.js';
import type { PatientChoice, PatientFinder } from '../access/patient-finder.js';
import { pageReplies } from './page-replies.js';
import { SMART_LAUNCH_SCOPES } from './provider.js';
import { requireSecondFactor, type InteractionStates, type Stage } from './interaction-state.js';
import type { SignInEvents } from './sign-in-events.js';

export interface InteractionDeps {
  provider: () => Provider;
  /** Path of the issuer, e.g. `/oauth`. */
  basePath: string;
  states: InteractionStates;
  accounts: AccountStore;
  clients: ClientStore;
  launches: LaunchContexts;
  events: SignInEvents;
  cookieSecret: string;
  stylesheetUrl: string;
  tenantName: (tenantId: number) => Promise<string>;
  /** How long a grant's launch context must be kept (the tenant's session lifetime). */
  grantLifetimeSeconds: (tenantId: number) => number;
  /** Patients a user may pick at a standalone launch that asks for `launch/patient`. */
  patients: PatientFinder;
  /** The login page's link to the tenant's identity provider, when it has one (federation/). */
  federationLink: (tenantId: number, uid: string) => Promise<{ federation: FederationLink } | null>;
}

/** The patient picked for this authorization, kept in the interaction's result. */
interface Picked {
  ovPatient?: string;
  ovPatientName?: string;
}

type Form = Record<string, string | undefined>;
type MfaStage = Exclude<Stage, 'federated'>;
const LANG_COOKIE = 'ov_lang';

const formSchema = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 512 },
  properties: { csrf: { type: 'string', maxLength: 128 } },
  required: ['csrf'],
} as const;
const uidParams = {
  type: 'object',
  properties: { uid: { type: 'string', pattern: '^[A-Za-z0-9_-]{10,64}$' } },
  required: ['uid'],
} as const;
const htmlResponse = { 200: { type: 'string' }, 303: { type: 'null' } } as const;

function scopeDescription(text: string): ConsentScope {
  const resource = parseScope(text);
  if (resource)
    return {
      text,
      description: {
        kind: 'resource',
        context: resource.context,
        resourceType: resource.resourceType,
        interactions: [...resource.interactions],
      },
    };
  const known = SMART_LAUNCH_SCOPES;
  return {
    text,
    description: { kind: (known.includes(text) ? text : 'other') as 'openid' },
  };
}

/**
 * The sign-in interaction of the authorization server, as server-rendered pages: password, then a
 * TOTP second factor for staff (enrolled on first sign-in), then consent to the app's scopes.
 * Lockout with backoff protects both factors; every outcome is reported to `events` (audit, metrics).
 */
export function interactionRoutes(app: FastifyInstance, deps: InteractionDeps): void {
  const { accounts, states } = deps;
  const path = (uid: string, step = '') => `${deps.basePath}/interaction/${uid}${step ? `/${step}` : ''}`;
  const csrfFor = (uid: string) =>
    crypto.createHmac('sha256', deps.cookieSecret).update(`csrf:${uid}`).digest('base64url');
  const csrfOk = (uid: string, given: string | undefined) => {
    const want = Buffer.from(csrfFor(uid));
    const got = Buffer.from(given ?? '');
    return want.length === got.length && crypto.timingSafeEqual(want, got);
  };

  const { localeOf, send, expired } = pageReplies(deps.stylesheetUrl);

  const pageBase = (req: FastifyRequest, uid: string) => ({
    locale: localeOf(req),
    csrf: csrfFor(uid),
    assets: { stylesheetUrl: deps.stylesheetUrl },
    switchUrl: path(uid),
  });

  // Redirect targets of the app: the browser enforces form-action on the redirect after a post.
  const clientOrigins = (client: StoredClient | null): string[] => {
    const uris = (client?.metadata.redirect_uris as string[] | undefined) ?? [];
    return [...new Set(uris.flatMap((u) => (URL.canParse(u) ? [new URL(u).origin] : [])))];
  };

  /** The interaction behind the cookie, or null when it expired or belongs to another browser. */
  const details = async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const d = await deps.provider().interactionDetails(req.raw, reply.raw);
      const { uid } = req.params as { uid: string };
      if (d.uid !== uid) return null;
      const clientId = String(d.params.client_id ?? '');
      const client = await deps.clients.find(clientId);
      return client ? { d, client } : null;
    } catch {
      return null;
    }
  };

  const finish = async (
    req: FastifyRequest,
    reply: FastifyReply,
    result: Record<string, unknown>,
    merge: boolean,
  ) => {
    reply.hijack();
    await deps.provider().interactionFinished(req.raw, reply.raw, result, { mergeWithLastSubmission: merge });
  };

  const renderLoginStep = async (
    req: FastifyRequest,
    reply: FastifyReply,
    uid: string,
    client: StoredClient,
    extra: {
      error?: LoginError;
      username?: string;
      retryAfterSeconds?: number;
    },
  ) =>
    send(
      reply,
      loginPage({
        ...pageBase(req, uid),
        action: path(uid, 'login'),
        tenantName: await deps.tenantName(client.tenantId),
        clientName: String(client.metadata.client_name ?? client.clientId),
        ...((await deps.federationLink(client.tenantId, uid)) ?? {}),
        ...extra,
      }),
      [],
      // A failed federation is reported on arrival (a redirect), not in answer to a form.
      extra.error && extra.error !== 'federation' ? 400 : 200,
    );

  const renderMfa = async (
    req: FastifyRequest,
    reply: FastifyReply,
    uid: string,
    account: Account,
    stage: MfaStage,
    error?: 'invalid-code' | 'locked',
    retryAfterSeconds?: number,
  ) => {
    if (stage === 'mfa-verify')
      return send(
        reply,
        mfaVerifyPage({
          ...pageBase(req, uid),
          action: path(uid, 'mfa'),
          ...(error ? { error } : {}),
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        }),
        [],
        error ? 400 : 200,
      );
    const secret = accounts.openMfaSecret(account) ?? '';
    return send(
      reply,
      mfaEnrollPage({
        ...pageBase(req, uid),
        action: path(uid, 'mfa'),
        secret,
        otpauthUri: totpUri(secret, { issuer: 'OpenVisit', label: account.username }),
        qrSvg: qrSvg(totpUri(secret, { issuer: 'OpenVisit', label: account.username })),
        ...(error === 'invalid-code' ? { error } : {}),
      }),
      [],
      error ? 400 : 200,
    );
  };

  const renderConsent = async (
    req: FastifyRequest,
    reply: FastifyReply,
    uid: string,
    client: StoredClient,
    scope: string,
    patientName?: string,
  ) =>
    send(
      reply,
      consentPage({
        ...pageBase(req, uid),
        action: path(uid, 'consent'),
        abortAction: path(uid, 'abort'),
        clientName: String(client.metadata.client_name ?? client.clientId),
        scopes: scope.split(' ').filter(Boolean).map(scopeDescription),
        ...(patientName ? { patientName } : {}),
      }),
      clientOrigins(client),
    );

  const renderPicker = (
    req: FastifyRequest,
    reply: FastifyReply,
    uid: string,
    extra: { query?: string; results?: PatientChoice[]; error?: 'no-selection' | 'query-required' } = {},
  ) =>
    send(
      reply,
      patientPickerPage({
        ...pageBase(req, uid),
        action: path(uid, 'patient'),
        results: extra.results ?? [],
        ...(extra.query !== undefined ? { query: extra.query } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      }),
      [],
      extra.error ? 400 : 200,
    );

  /**
   * A standalone launch asking for `launch/patient` by someone who is not that patient needs one
   * picked (SMART's patient picker); a patient's own record is their context without asking.
   */
  const pickAccount = async (d: Awaited<ReturnType<Provider['interactionDetails']>>) => {
    const scopes = String(d.params.scope ?? '').split(' ');
    if (!scopes.includes('launch/patient') || typeof d.params.launch === 'string' || !d.session) return null;
    const account = await accounts.bySubject(d.session.accountId);
    if (!account || account.fhirUser?.startsWith('Patient/')) return null;
    return account;
  };

  /** A form step of the interaction: its route, and the anti-forgery check every step starts with. */
  const formRoute = (
    step: string,
    handle: (req: FastifyRequest, reply: FastifyReply, uid: string, form: Form) => Promise<unknown>,
  ) =>
    app.post(
      `/interaction/:uid/${step}`,
      { schema: { params: uidParams, body: formSchema, hide: true, response: htmlResponse } },
      async (req, reply) => {
        const { uid } = req.params as { uid: string };
        const form = req.body as Form;
        if (!csrfOk(uid, form.csrf)) return expired(req, reply);
        return handle(req, reply, uid, form);
      },
    );

  app.get(
    '/interaction/:uid',
    { schema: { params: uidParams, hide: true, response: htmlResponse } },
    async (req, reply) => {
      const { uid } = req.params as { uid: string };
      const lang = (req.query as { lang?: string }).lang;
      if (lang === 'en' || lang === 'es')
        reply.header(
          'set-cookie',
          `${LANG_COOKIE}=${lang}; Path=${deps.basePath}; SameSite=Lax; HttpOnly; Max-Age=31536000`,
        );
      const found = await details(req, reply);
      if (!found) return expired(req, reply);
      const { d, client } = found;
      if (d.prompt.name === 'login') {
        const state = await states.load(uid);
        const account = state ? await accounts.byId(state.tenantId, state.accountId) : null;
        if (state && account) {
          if (state.stage !== 'federated') return renderMfa(req, reply, uid, account, state.stage);
          // Back from the tenant's identity provider, which proved both factors (federation/).
          await states.clear(uid);
          return finish(
            req,
            reply,
            {
              login: {
                accountId: accountSubject(account.tenantId, account.id),
                amr: ['fed', 'mfa'],
                acr: 'urn:openvisit:mfa',
              },
            },
            false,
          );
        }
        const failed = (req.query as { error?: string }).error === 'federation';
        return renderLoginStep(req, reply, uid, client, failed ? { error: 'federation' } : {});
      }
      const picked = (d.result ?? {}) as Picked;
      if (!picked.ovPatient && (await pickAccount(d))) return renderPicker(req, reply, uid);
      return renderConsent(req, reply, uid, client, String(d.params.scope ?? ''), picked.ovPatientName);
    },
  );

  formRoute('patient', async (req, reply, uid, form) => {
    const found = await details(req, reply);
    if (!found || found.d.prompt.name !== 'consent') return expired(req, reply);
    const account = await pickAccount(found.d);
    if (!account) return expired(req, reply);
    const query = (form.query ?? '').trim();
    if (form.intent !== 'select') {
      if (query === '') return renderPicker(req, reply, uid, { error: 'query-required' });
      return renderPicker(req, reply, uid, { query, results: await deps.patients.find(account, query) });
    }
    const choice = form.patient ? await deps.patients.pick(account, form.patient) : null;
    if (!choice)
      return renderPicker(req, reply, uid, {
        query,
        results: query ? await deps.patients.find(account, query) : [],
        error: 'no-selection',
      });
    await deps
      .provider()
      .interactionResult(
        req.raw,
        reply.raw,
        { ovPatient: choice.id, ovPatientName: choice.name } satisfies Picked,
        { mergeWithLastSubmission: true },
      );
    return reply.redirect(path(uid), 303);
  });

  formRoute('login', async (req, reply, uid, form) => {
    const found = await details(req, reply);
    if (!found || found.d.prompt.name !== 'login') return expired(req, reply);
    const { client } = found;
    const at = { address: req.ip, clientId: client.clientId };
    const username = (form.username ?? '').trim();
    const password = form.password ?? '';
    if (!username || !password)
      return renderLoginStep(req, reply, uid, client, { error: 'required', username });

    const account = await accounts.byUsername(client.tenantId, username);
    if (!account || !account.passwordHash) {
      await dummyVerify(password);
      await deps.events.loginFailed(client.tenantId, null, 'invalid', at);
      return renderLoginStep(req, reply, uid, client, { error: 'invalid', username });
    }
    const now = new Date();
    const lock = isLocked({ failures: account.failedLogins, lockedUntil: account.lockedUntil }, now);
    if (lock.locked) {
      await deps.events.loginFailed(client.tenantId, account, 'locked', at);
      return renderLoginStep(req, reply, uid, client, {
        error: 'locked',
        username,
        retryAfterSeconds: Math.ceil(lock.retryAfterMs / 1000),
      });
    }
    if (!(await verifyPassword(account.passwordHash, password))) {
      const next = afterFailure({ failures: account.failedLogins, lockedUntil: account.lockedUntil }, now);
      await accounts.setThrottle(account, next.state);
      await deps.events.loginFailed(client.tenantId, account, 'invalid', at);
      if (next.lockedNow) deps.events.lockedOut(account);
      return renderLoginStep(req, reply, uid, client, { error: 'invalid', username });
    }
    if (account.disabled) {
      await deps.events.loginFailed(client.tenantId, account, 'disabled', at);
      return renderLoginStep(req, reply, uid, client, { error: 'disabled', username });
    }
    if (account.failedLogins > 0) await accounts.setThrottle(account, afterSuccess());
    if (needsRehash(account.passwordHash))
      await accounts.setPasswordHash(account, await hashPassword(password));

    if (account.roles.some((r) => STAFF_ROLES.includes(r))) {
      // Staff: a second factor is required; enrol one on the first sign-in.
      // Staff: a second factor is required.
      await requireSecondFactor(states, accounts, uid, account, false);
      return reply.redirect(path(uid), 303);
    }
    await deps.events.loginSucceeded(account, { ...at, method: 'pwd' });
    return finish(
      req,
      reply,
      { login: { accountId: accountSubject(account.tenantId, account.id), amr: ['pwd'] } },
      false,
    );
  });

  formRoute('mfa', async (req, reply, uid, form) => {
    const found = await details(req, reply);
    const state = await states.load(uid);
    if (!found || found.d.prompt.name !== 'login' || !state || state.stage === 'federated')
      return expired(req, reply);
    const account = await accounts.byId(state.tenantId, state.accountId);
    if (!account) return expired(req, reply);
    const at = { address: req.ip, clientId: found.client.clientId };
    const now = new Date();
    const lock = isLocked({ failures: account.failedLogins, lockedUntil: account.lockedUntil }, now);
    if (lock.locked) {
      await deps.events.loginFailed(account.tenantId, account, 'locked', at);
      return renderMfa(req, reply, uid, account, state.stage, 'locked', Math.ceil(lock.retryAfterMs / 1000));
    }
    const secret = accounts.openMfaSecret(account);
    const result = secret
      ? verifyTotp(secret, (form.code ?? '').replace(/\s/g, ''), { lastUsedStep: account.mfaLastStep })
      : { ok: false as const };
    if (!result.ok || !(await accounts.acceptMfaStep(account, result.step))) {
      const next = afterFailure({ failures: account.failedLogins, lockedUntil: account.lockedUntil }, now);
      await accounts.setThrottle(account, next.state);
      await deps.events.loginFailed(account.tenantId, account, 'mfa-invalid', at);
      if (next.lockedNow) deps.events.lockedOut(account);
      return renderMfa(req, reply, uid, account, state.stage, 'invalid-code');
    }
    if (account.failedLogins > 0) await accounts.setThrottle(account, afterSuccess());
    await states.clear(uid);
    await deps.events.loginSucceeded(account, {
      ...at,
      method: state.viaFederation ? 'fed-otp' : 'pwd-otp',
    });
    return finish(
      req,
      reply,
      {
        login: {
          accountId: accountSubject(account.tenantId, account.id),
          amr: [state.viaFederation ? 'fed' : 'pwd', 'otp'],
          acr: 'urn:openvisit:mfa',
        },
      },
      false,
    );
  });

  formRoute('consent', async (req, reply, uid) => {
    const found = await details(req, reply);
    if (!found?.d.session || found.d.prompt.name !== 'consent') return expired(req, reply);
    const { d, client } = found;
    const picked = (d.result ?? {}) as Picked;
    if (!picked.ovPatient && (await pickAccount(d))) return renderPicker(req, reply, uid);
    const provider = deps.provider();
    const accountId = found.d.session.accountId;
    const grant = d.grantId
      ? await provider.Grant.find(d.grantId)
      : new provider.Grant({ accountId, clientId: client.clientId });
    if (!grant) return expired(req, reply);
    const missing = d.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    const launch =
      typeof d.params.launch === 'string' ? await deps.launches.resolveLaunch(d.params.launch) : null;
    const context =
      launch && launch.tenantId === client.tenantId
        ? launch
        : picked.ovPatient
          ? { tenantId: client.tenantId, patient: picked.ovPatient }
          : null;
    if (context)
      await deps.launches.setGrantContext(grantId, context, deps.grantLifetimeSeconds(client.tenantId));
    return finish(req, reply, { consent: { grantId } }, true);
  });

  formRoute('abort', async (req, reply, uid) => {
    const found = await details(req, reply);
    if (!found) return expired(req, reply);
    await states.clear(uid);
    return finish(
      req,
      reply,
      { error: 'access_denied', error_description: 'The user denied the request' },
      false,
    );
  });
}
