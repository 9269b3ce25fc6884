import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClaimsParameterMember } from 'oidc-provider';

/** The person who signs in at the provider next, as its ID token will describe them. */
export interface UpstreamPerson {
  sub: string;
  email?: string;
  email_verified?: boolean;
  /** RFC 8176 methods, e.g. ['pwd', 'mfa']. */
  amr: string[];
}

export interface UpstreamIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorization request; `'deny'` makes the person cancel. */
  next: UpstreamPerson | 'deny';
  /** Authorization requests the provider received (their query parameters). */
  requests: URLSearchParams[];
  close(): Promise<void>;
}

/**
 * A hospital's identity provider for the federation tests: a real OpenID Connect provider
 * (oidc-provider, the certified library OpenVisit's own server uses), with one confidential client
 * (OpenVisit). Its sign-in step is automatic: whoever `next` names signs in and consents, as a
 * person would at the hospital's own pages. Served on `localhost` so that a browser keeps its cookies
 * apart from OpenVisit's on 127.0.0.1.
 */
export async function startUpstreamIdp(redirectUri: string): Promise<UpstreamIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://localhost:${port}`;
  const clientId = 'openvisit';
  const clientSecret = 'upstream-client-secret-for-tests';
  const people = new Map<string, UpstreamPerson>();

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'] },
    cookies: { keys: ['upstream-test-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const person = people.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        async claims(_use: string, _scope: string, _claims: Record<string, ClaimsParameterMember | null>) {
          return {
            sub,
            ...(person.email !== undefined ? { email: person.email } : {}),
            ...(person.email_verified !== undefined ? { email_verified: person.email_verified } : {}),
          };
        },
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });

  const idp: UpstreamIdp = {
    issuer,
    clientId,
    clientSecret,
    next: 'deny',
    requests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const callback = provider.callback();
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/auth') idp.requests.push(url.searchParams);
    const interaction = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (!interaction) {
      callback(req, res);
      return;
    }
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const person = idp.next;
      if (person === 'deny') {
        await provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'The person cancelled',
        });
        return;
      }
      if (details.prompt.name === 'login') {
        people.set(person.sub, person);
        await provider.interactionFinished(req, res, { login: { accountId: person.sub, amr: person.amr } });
        return;
      }
      const grant = new provider.Grant({ accountId: person.sub, clientId });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: true },
      );
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  return idp;
}
