import { ensureTenant } from '../../platform/db/tenants.js';
import { DEFAULT_SIGN_IN_POLICY, TenantPolicies } from '../identity/tenant-policies.js';
import { CommandError, secondsOption, stringOption, UsageError, type OperatorCommand } from './common.js';

// As the tenant table and auth_tenant_policy check them.
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const IDLE = { min: 60, max: 86_400, fallback: DEFAULT_SIGN_IN_POLICY.idleTimeoutSeconds };
const LIFETIME = { min: 300, max: 2_592_000, fallback: DEFAULT_SIGN_IN_POLICY.sessionLifetimeSeconds };

/** `openvisit tenant create <slug>`: the tenant and its sign-in policy (session timeouts). */
export const tenantCreate: OperatorCommand = {
  words: ['tenant', 'create'],
  usage: 'tenant create <slug> [--name "<name>"] [--idle-timeout <seconds>] [--session-lifetime <seconds>]',
  options: {
    name: { type: 'string' },
    'idle-timeout': { type: 'string' },
    'session-lifetime': { type: 'string' },
  },
  async run({ values, positionals }, ctx) {
    const [slug, ...extra] = positionals;
    if (slug === undefined) throw new UsageError('the tenant slug is missing');
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
    if (!SLUG.test(slug))
      throw new UsageError('a tenant slug is 1-63 of a-z, 0-9 and -, starting with a letter or digit');
    const name = stringOption(values, 'name')?.trim() || slug;
    const policy = {
      idleTimeoutSeconds: secondsOption(values, 'idle-timeout', IDLE),
      sessionLifetimeSeconds: secondsOption(values, 'session-lifetime', LIFETIME),
    };
    if (policy.idleTimeoutSeconds > policy.sessionLifetimeSeconds)
      throw new UsageError('--idle-timeout cannot be longer than --session-lifetime');

    const id = await ctx.withDatabase(async (db) => {
      const found = await db.global<{ id: number }>('SELECT id FROM tenant WHERE slug = $1', [slug]);
      if (found.rows[0]) throw new CommandError(`tenant "${slug}" already exists (id ${found.rows[0].id})`);
      const created = await ensureTenant(db, slug, name);
      await new TenantPolicies(db).set(created, policy);
      return created;
    });
    ctx.io.out(
      [
        `Tenant created: ${slug} (id ${id}), "${name}"`,
        `  sign-in policy  idle timeout ${policy.idleTimeoutSeconds} s, session lifetime ${policy.sessionLifetimeSeconds} s`,
        `Next: openvisit user create --tenant ${slug} --username <name> --role tenant-admin`,
      ].join('\n'),
    );
  },
};
