import * as oidc from 'openid-client';
import {
  FederationConfigError,
  isLoopbackUrl,
  validateFederationConfig,
  type FederationConfig,
} from '../federation/config.js';
import { FederationStore } from '../federation/federation-store.js';
import { ISSUER_PATH } from '../auth-services.js';
import {
  checkKeyring,
  CommandError,
  readFirstLine,
  requiredOption,
  tenantId,
  UsageError,
  type OperatorCommand,
} from './common.js';

/**
 * `openvisit tenant federate <slug>`: staff of the tenant sign in through its OpenID Connect provider
 * (`--off` ends that). The provider's discovery document is fetched first, so a wrong issuer fails here
 * rather than at the first sign-in.
 */
export const tenantFederate: OperatorCommand = {
  words: ['tenant', 'federate'],
  usage:
    'tenant federate <slug> --issuer <url> --client-id <id> --client-secret-stdin --name "<provider name>" ' +
    '[--link-verified-email] | tenant federate <slug> --off',
  options: {
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret-stdin': { type: 'boolean' },
    name: { type: 'string' },
    'link-verified-email': { type: 'boolean' },
    off: { type: 'boolean' },
  },
  async run({ values, positionals }, ctx) {
    const [slug, ...extra] = positionals;
    if (slug === undefined) throw new UsageError('the tenant slug is missing');
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
    if (values.off === true) {
      await ctx.withDatabase(async (db) => {
        const tenant = await tenantId(db, slug);
        await new FederationStore(db, ctx.envelope()).set(tenant, null);
      });
      ctx.io.out(
        `Tenant ${slug}: sign-in is no longer federated; staff sign in with their OpenVisit password.`,
      );
      return;
    }
    if (values['client-secret-stdin'] !== true)
      throw new UsageError('--client-secret-stdin is required (the secret never goes on a command line)');
    const draft = {
      issuer: requiredOption(values, 'issuer', 'url'),
      clientId: requiredOption(values, 'client-id', 'id'),
      displayName: requiredOption(values, 'name', 'provider name'),
      linkVerifiedEmail: values['link-verified-email'] === true,
    };
    const secret = await readFirstLine(ctx.io.stdin);
    if (!secret)
      throw new UsageError('--client-secret-stdin: standard input held no secret (one line expected)');
    let config: FederationConfig;
    try {
      config = validateFederationConfig({ ...draft, clientSecret: secret });
    } catch (err) {
      if (err instanceof FederationConfigError) throw new UsageError(err.message);
      throw err;
    }
    try {
      const issuer = new URL(config.issuer);
      await oidc.discovery(issuer, config.clientId, undefined, oidc.ClientSecretBasic(config.clientSecret), {
        timeout: 10,
        ...(isLoopbackUrl(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    } catch (err) {
      throw new CommandError(
        `the provider's discovery document could not be read from ${config.issuer}: ${err instanceof Error ? err.message : 'unknown error'}`,
      );
    }
    await ctx.withDatabase(async (db) => {
      const tenant = await tenantId(db, slug);
      await checkKeyring(db, ctx.envelope());
      await new FederationStore(db, ctx.envelope()).set(tenant, config);
    });
    const callback = `${ctx.config.baseUrl}${ISSUER_PATH}/federation/callback`;
    ctx.io.out(
      [
        `Tenant ${slug}: staff may sign in with ${config.displayName} (${config.issuer}).`,
        `  redirect URI to register at the provider  ${callback}`,
        config.linkVerifiedEmail
          ? '  a first sign-in links the staff account whose username is the verified email'
          : '  accounts sign in once linked: openvisit user create … --external-subject <sub>',
      ].join('\n'),
    );
  },
};
