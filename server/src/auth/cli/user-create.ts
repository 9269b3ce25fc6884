import crypto from 'node:crypto';
import type { PolicyViolation } from '../credentials/password-policy.js';
import {
  checkPasswordPolicy,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../credentials/password-policy.js';
import { externalSubject as federatedSubject } from '../federation/config.js';
import { FederationStore } from '../federation/federation-store.js';
import { AccountError, AccountStore, normalizeUsername } from '../identity/account-store.js';
import type { Database } from '../../platform/db/pool.js';
import { isRole, ROLES, STAFF_ROLES, type Role } from '../policy/roles.js';
import {
  CommandError,
  listOption,
  readFirstLine,
  requiredOption,
  stringOption,
  tenantId,
  UsageError,
  type OperatorCommand,
} from './common.js';

const VIOLATIONS: Record<PolicyViolation, string> = {
  'too-short': `too-short (fewer than ${PASSWORD_MIN_LENGTH} characters)`,
  'too-long': `too-long (more than ${PASSWORD_MAX_LENGTH} characters)`,
  'contains-username': 'contains-username (it contains the username)',
  common: 'common (it is on the list of passwords attackers try first)',
  repetitive: 'repetitive (one or two characters repeated)',
};

// No 0/O, 1/l/I: read off a terminal and typed in once.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of about 140 bits, in groups of six, that the password policy accepts. */
export function generatePassword(username: string): string {
  for (;;) {
    const chars = Array.from({ length: 24 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)] ?? '');
    const password = [0, 6, 12, 18].map((i) => chars.slice(i, i + 6).join('')).join('-');
    if (checkPasswordPolicy(password, { username }).length === 0) return password;
  }
}

/** Which FHIR resource type an account of these roles should be (`--fhir-user`), if any. */
function expectedFhirUser(roles: Role[]): string | undefined {
  if (roles.includes('patient')) return 'Patient';
  if (roles.includes('caregiver')) return 'RelatedPerson';
  if (roles.includes('clinician') || roles.includes('nurse')) return 'Practitioner';
  return undefined;
}

/** `openvisit user create`: a sign-in account of one tenant. */
export const userCreate: OperatorCommand = {
  words: ['user', 'create'],
  usage:
    'user create --tenant <slug> --username <username> --role <role>[,<role>…] ' +
    "[--fhir-user Patient/<id>] [--password-stdin] [--external-subject <sub at the tenant's provider>]",
  options: {
    tenant: { type: 'string' },
    username: { type: 'string' },
    role: { type: 'string', multiple: true },
    'fhir-user': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'external-subject': { type: 'string' },
  },
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
    const slug = requiredOption(values, 'tenant', 'slug');
    const username = normalizeUsername(requiredOption(values, 'username', 'username'));
    const requested = listOption(values, 'role').flatMap((r) => r.split(','));
    const roleNames = [...new Set(requested.map((r) => r.trim()).filter((r) => r !== ''))];
    if (roleNames.length === 0) throw new UsageError('--role <role>[,<role>…] is required');
    const unknown = roleNames.filter((r) => !isRole(r));
    if (unknown.length > 0)
      throw new CommandError(
        `unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}; ` +
          `the roles are ${ROLES.join(', ')}`,
      );
    const roles = roleNames.filter(isRole);
    const fhirUser = stringOption(values, 'fhir-user')?.trim() || undefined;
    const subject = stringOption(values, 'external-subject')?.trim() || undefined;
    if (subject !== undefined && !roles.some((r) => STAFF_ROLES.includes(r)))
      throw new UsageError('--external-subject is for staff accounts (federated sign-in is for staff)');
    if (subject !== undefined && subject.length > 255)
      throw new UsageError('--external-subject is at most 255 characters');

    // A linked staff account signs in at the tenant's provider: no password unless one is given.
    let password: string | undefined;
    let generated = false;
    if (values['password-stdin'] === true) {
      const line = await readFirstLine(ctx.io.stdin);
      if (line === null || line === '')
        throw new UsageError('--password-stdin: standard input held no password (one line expected)');
      password = line;
    } else if (subject === undefined) {
      password = generatePassword(username);
      generated = true;
    }

    const { account, note } = await ctx.withDatabase(async (db) => {
      const tenant = await tenantId(db, slug);
      let externalSubject: string | undefined;
      if (subject !== undefined) {
        const fed = await new FederationStore(db, ctx.envelope()).get(tenant);
        if (!fed)
          throw new CommandError(
            `tenant ${slug} has no identity provider (set one: openvisit tenant federate ${slug} …)`,
          );
        externalSubject = federatedSubject(fed.issuer, subject);
      }
      const store = new AccountStore(db, ctx.envelope());
      let created;
      try {
        created = await store.create(tenant, {
          username,
          roles,
          ...(password !== undefined ? { password } : {}),
          ...(fhirUser !== undefined ? { fhirUser } : {}),
          ...(externalSubject !== undefined ? { externalSubject } : {}),
        });
      } catch (err) {
        if (err instanceof AccountError)
          throw new CommandError(describe(err, username, slug, subject !== undefined));
        throw err;
      }
      return { account: created, note: await fhirUserNote(db, tenant, slug, roles, fhirUser) };
    });

    const lines = [
      `Account created in tenant ${slug}`,
      `  id        ${account.id}`,
      `  username  ${account.username}`,
      `  roles     ${account.roles.join(', ')}`,
    ];
    if (account.fhirUser) lines.push(`  fhirUser  ${account.fhirUser}`);
    if (account.externalSubject) lines.push(`  linked    ${account.externalSubject}`);
    if (generated)
      lines.push(
        `  password  ${password}`,
        'The password is shown only this once: hand it over securely; it cannot be shown again.',
      );
    if (account.externalSubject)
      lines.push(
        "Signs in with the tenant's identity provider; OpenVisit's own authenticator step follows unless the provider reports a second factor.",
      );
    else if (account.roles.some((r) => STAFF_ROLES.includes(r)))
      lines.push('Staff account: an authenticator app (TOTP) is enrolled at the first sign-in.');
    if (note) lines.push(`Note: ${note}`);
    ctx.io.out(lines.join('\n'));
  },
};

function describe(err: AccountError, username: string, slug: string, linked: boolean): string {
  switch (err.code) {
    case 'exists':
      return linked
        ? `an account "${username}", or one linked to that external subject, already exists in tenant ${slug}`
        : `an account "${username}" already exists in tenant ${slug}`;
    case 'password-policy':
      return `password rejected: ${err.violations.map((v) => VIOLATIONS[v]).join('; ')}`;
    case 'invalid-role':
      return `invalid roles; the roles are ${ROLES.join(', ')}`;
    case 'invalid-username':
      return `invalid username "${username}": up to 254 of a-z, 0-9 and . _ @ + -, starting with a letter or digit`;
    case 'invalid-fhir-user':
      return '--fhir-user must be Patient/<id>, Practitioner/<id>, RelatedPerson/<id> or Person/<id>';
  }
}

/** A reminder when the account's FHIR resource is missing or of the wrong kind (it still works). */
async function fhirUserNote(
  db: Database,
  tenant: number,
  slug: string,
  roles: Role[],
  fhirUser: string | undefined,
): Promise<string | undefined> {
  const expected = expectedFhirUser(roles);
  if (fhirUser === undefined)
    return expected
      ? `without --fhir-user ${expected}/<id> this account reaches no patient record yet`
      : undefined;
  const [type, id] = fhirUser.split('/') as [string, string];
  if (expected && type !== expected)
    return `a ${roles.join('/')} account is usually a ${expected}, not a ${type}`;
  const res = await db.query<{ found: boolean }>(
    tenant,
    `SELECT EXISTS (SELECT 1 FROM resource WHERE tenant_id = $1 AND res_type = $2 AND id = $3 AND NOT deleted) AS found`,
    [tenant, type, id],
  );
  return res.rows[0]?.found ? undefined : `${fhirUser} does not exist in tenant ${slug} yet`;
}
