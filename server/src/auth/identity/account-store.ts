import crypto from 'node:crypto';
import type { Envelope } from '../../platform/crypto/envelope.js';
import type { Database } from '../../platform/db/pool.js';
import { checkPasswordPolicy, type PolicyViolation } from '../credentials/password-policy.js';
import { hashPassword } from '../credentials/passwords.js';
import { isRole, type Role } from '../policy/roles.js';

export interface Account {
  tenantId: number;
  id: string;
  username: string;
  roles: Role[];
  /** `Patient/…`, `Practitioner/…` or `RelatedPerson/…` */
  fhirUser: string | null;
  locale: string | null;
  passwordHash: string | null;
  /** Sealed TOTP secret; open with `openMfaSecret`. */
  mfaSecret: string | null;
  mfaConfirmed: boolean;
  mfaLastStep: number | null;
  failedLogins: number;
  lockedUntil: Date | null;
  disabled: boolean;
  /** `issuer|sub` of the identity at the tenant's provider this account signs in as (federation/). */
  externalSubject: string | null;
}

export interface NewAccount {
  username: string;
  password?: string;
  roles: readonly string[];
  fhirUser?: string;
  locale?: string;
  externalSubject?: string;
}

export class AccountError extends Error {
  constructor(
    readonly code: 'exists' | 'password-policy' | 'invalid-role' | 'invalid-username' | 'invalid-fhir-user',
    readonly violations: PolicyViolation[] = [],
  ) {
    super(code === 'password-policy' ? `password rejected: ${violations.join(', ')}` : `account ${code}`);
  }
}

type AccountRow = {
  tenant_id: number;
  id: string;
  username: string;
  roles: string[];
  fhir_user: string | null;
  locale: string | null;
  password_hash: string | null;
  mfa_secret: string | null;
  mfa_confirmed: boolean;
  mfa_last_step: string | null;
  failed_logins: number;
  locked_until: Date | null;
  disabled: boolean;
  external_subject: string | null;
};

const COLUMNS = `tenant_id, id, username, roles, fhir_user, locale, password_hash, mfa_secret, mfa_confirmed,
  mfa_last_step::text, failed_logins, locked_until, disabled, external_subject`;
const FHIR_USER = /^(Patient|Practitioner|RelatedPerson|Person)\/[A-Za-z0-9.-]{1,64}$/;
const USERNAME = /^[a-z0-9][a-z0-9._@+-]{0,253}$/;

function toAccount(r: AccountRow): Account {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    username: r.username,
    roles: r.roles.filter(isRole),
    fhirUser: r.fhir_user,
    locale: r.locale,
    passwordHash: r.password_hash,
    mfaSecret: r.mfa_secret,
    mfaConfirmed: r.mfa_confirmed,
    mfaLastStep: r.mfa_last_step === null ? null : Number(r.mfa_last_step),
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    disabled: r.disabled,
    externalSubject: r.external_subject,
  };
}

/** The subject (`sub`) of an account in tokens: the tenant travels with it, so lookups stay tenant-bound. */
export function accountSubject(tenantId: number, id: string): string {
  return `${tenantId}.${id}`;
}

export function parseAccountSubject(sub: string): { tenantId: number; id: string } | null {
  const m = /^(\d{1,9})\.([0-9a-f-]{36})$/.exec(sub);
  return m ? { tenantId: Number(m[1]), id: m[2] as string } : null;
}

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Sign-in accounts of each tenant (table auth_account, row-level secured). */
export class AccountStore {
  constructor(
    private readonly db: Database,
    private readonly envelope: Envelope,
  ) {}

  async create(tenantId: number, input: NewAccount): Promise<Account> {
    const username = normalizeUsername(input.username);
    if (!USERNAME.test(username)) throw new AccountError('invalid-username');
    const roles = [...new Set(input.roles)];
    if (roles.length === 0 || !roles.every(isRole)) throw new AccountError('invalid-role');
    if (input.fhirUser !== undefined && !FHIR_USER.test(input.fhirUser))
      throw new AccountError('invalid-fhir-user');
    let passwordHash: string | null = null;
    if (input.password !== undefined) {
      const violations = checkPasswordPolicy(input.password, { username });
      if (violations.length > 0) throw new AccountError('password-policy', violations);
      passwordHash = await hashPassword(input.password);
    }
    const res = await this.db.query<AccountRow>(
      tenantId,
      `INSERT INTO auth_account (tenant_id, id, username, password_hash, roles, fhir_user, locale, external_subject)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        tenantId,
        crypto.randomUUID(),
        username,
        passwordHash,
        roles,
        input.fhirUser ?? null,
        input.locale ?? null,
        input.externalSubject ?? null,
      ],
    );
    const row = res.rows[0];
    if (!row) throw new AccountError('exists');
    return toAccount(row);
  }

  async byUsername(tenantId: number, username: string): Promise<Account | null> {
    const res = await this.db.query<AccountRow>(
      tenantId,
      `SELECT ${COLUMNS} FROM auth_account WHERE tenant_id = $1 AND username = $2`,
      [tenantId, normalizeUsername(username)],
    );
    return res.rows[0] ? toAccount(res.rows[0]) : null;
  }

  async byId(tenantId: number, id: string): Promise<Account | null> {
    const res = await this.db.query<AccountRow>(
      tenantId,
      `SELECT ${COLUMNS} FROM auth_account WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return res.rows[0] ? toAccount(res.rows[0]) : null;
  }

  /** The account linked to an identity at the tenant's provider (`issuer|sub`). */
  async byExternalSubject(tenantId: number, externalSubject: string): Promise<Account | null> {
    const res = await this.db.query<AccountRow>(
      tenantId,
      `SELECT ${COLUMNS} FROM auth_account WHERE tenant_id = $1 AND external_subject = $2`,
      [tenantId, externalSubject],
    );
    return res.rows[0] ? toAccount(res.rows[0]) : null;
  }

  /** Links an account to a provider identity; false when it is already linked (to any identity). */
  async linkExternalSubject(account: Account, externalSubject: string): Promise<boolean> {
    const res = await this.db.query(
      account.tenantId,
      `UPDATE auth_account SET external_subject = $3, updated_at = now()
       WHERE tenant_id = $1 AND id = $2 AND external_subject IS NULL
         AND NOT EXISTS (SELECT 1 FROM auth_account WHERE tenant_id = $1 AND external_subject = $3)`,
      [account.tenantId, account.id, externalSubject],
    );
    return res.rowCount === 1;
  }

  async bySubject(sub: string): Promise<Account | null> {
    const parsed = parseAccountSubject(sub);
    return parsed ? this.byId(parsed.tenantId, parsed.id) : null;
  }

  async setThrottle(account: Account, state: { failures: number; lockedUntil: Date | null }): Promise<void> {
    await this.db.query(
      account.tenantId,
      `UPDATE auth_account SET failed_logins = $3, locked_until = $4, updated_at = now()
       WHERE tenant_id = $1 AND id = $2`,
      [account.tenantId, account.id, state.failures, state.lockedUntil],
    );
  }

  async setPasswordHash(account: Account, passwordHash: string): Promise<void> {
    await this.db.query(
      account.tenantId,
      `UPDATE auth_account SET password_hash = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
      [account.tenantId, account.id, passwordHash],
    );
  }

  /** Stores a new, unconfirmed TOTP secret (enrolment), sealed. */
  async setMfaSecret(account: Account, secret: string): Promise<void> {
    await this.db.query(
      account.tenantId,
      `UPDATE auth_account SET mfa_secret = $3, mfa_confirmed = false, mfa_last_step = NULL, updated_at = now()
       WHERE tenant_id = $1 AND id = $2`,
      [account.tenantId, account.id, this.envelope.seal(secret, mfaContext(account))],
    );
  }

  openMfaSecret(account: Account): string | null {
    return account.mfaSecret === null ? null : this.envelope.openText(account.mfaSecret, mfaContext(account));
  }

  /**
   * Records an accepted TOTP step (confirming enrolment). Conditional on the step being newer, so
   * two concurrent uses of one code cannot both succeed.
   */
  async acceptMfaStep(account: Account, step: number): Promise<boolean> {
    const res = await this.db.query(
      account.tenantId,
      `UPDATE auth_account SET mfa_last_step = $3, mfa_confirmed = true, updated_at = now()
       WHERE tenant_id = $1 AND id = $2 AND (mfa_last_step IS NULL OR mfa_last_step < $3)`,
      [account.tenantId, account.id, step],
    );
    return res.rowCount === 1;
  }
}

function mfaContext(account: Account): string {
  return `mfa-secret:${account.tenantId}:${account.id}`;
}
