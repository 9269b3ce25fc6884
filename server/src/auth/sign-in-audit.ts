import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from './audit/audit-log.js';
import type { StoredAccess } from './audit/entries.js';
import type { AccessRecord } from './audit/events/index.js';
import type { SecurityMetrics } from './access/security-metrics.js';
import { accountSubject, parseAccountSubject, type Account } from './identity/account-store.js';
import type { ClientStore } from './identity/client-store.js';
import type { SignInEvents, SignInFailure, SignInMethod } from './oidc/sign-in-events.js';

/**
 * Sign-in, sign-out and token events into the tenant's audit log and the security metrics. These
 * are written at once (not batched with a response): a sign-in has no response of ours to hold.
 */
export class SignInAudit implements SignInEvents {
  constructor(
    private readonly log: AuditLog,
    private readonly metrics: SecurityMetrics,
    private readonly clients: ClientStore,
  ) {}

  private async write(tenantId: number, record: StoredAccess): Promise<void> {
    await this.log.append(tenantId, { access: record, patients: record.patients });
  }

  async loginSucceeded(
    account: Account,
    at: { address: string; clientId: string; method: SignInMethod },
  ): Promise<void> {
    await this.write(account.tenantId, {
      action: 'login',
      outcome: 'success',
      outcomeCode: at.method,
      agent: agentOf(account, at),
      resources: [],
      patients: [],
    });
  }

  async loginFailed(
    tenantId: number,
    account: Account | null,
    reason: SignInFailure,
    at: { address: string; clientId: string },
  ): Promise<void> {
    this.metrics.loginFailed(reason);
    await this.write(tenantId, {
      action: 'login',
      outcome: 'denied',
      outcomeCode: reason,
      agent: account
        ? agentOf(account, at)
        : { sub: 'unknown', roles: [], address: at.address, clientId: at.clientId },
      resources: [],
      patients: [],
    });
  }

  lockedOut(): void {
    this.metrics.lockedOut();
  }

  /** Token issue, refresh-token reuse and sign-out, from the authorization server's own events. */
  watch(provider: Provider): void {
    const report = (p: Promise<void>) => p.catch(() => undefined);
    provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
      const e = ctx.oidc.entities;
      const clientId = e.Client?.clientId ?? '';
      const sub = e.Account?.accountId;
      const parsed = sub ? parseAccountSubject(sub) : null;
      if (parsed && sub) {
        report(
          this.write(parsed.tenantId, {
            action: 'token',
            outcome: 'success',
            agent: { sub, roles: [], clientId, address: ctx.ip },
            resources: [],
            patients: [],
          }),
        );
        return;
      }
      report(
        this.clients.find(clientId).then(async (client) => {
          if (client)
            await this.write(client.tenantId, {
              action: 'token',
              outcome: 'success',
              agent: { sub: clientId, roles: [], clientId, address: ctx.ip },
              resources: [],
              patients: [],
            });
        }),
      );
    });
    provider.on('grant.error', (ctx: KoaContextWithOIDC, err: Error & { error_detail?: string }) => {
      if (err.error_detail !== 'refresh token already used') return;
      this.metrics.refreshTokenReused();
      const sub = ctx.oidc.entities.Account?.accountId;
      const parsed = sub ? parseAccountSubject(sub) : null;
      if (parsed && sub)
        report(
          this.write(parsed.tenantId, {
            action: 'token',
            outcome: 'denied',
            outcomeCode: 'refresh-token-reuse',
            agent: { sub, roles: [], clientId: ctx.oidc.client?.clientId ?? '', address: ctx.ip },
            resources: [],
            patients: [],
          }),
        );
    });
    provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
      const sub = ctx.oidc.session?.accountId;
      const parsed = sub ? parseAccountSubject(sub) : null;
      if (parsed && sub)
        report(
          this.write(parsed.tenantId, {
            action: 'logout',
            outcome: 'success',
            agent: { sub, roles: [], address: ctx.ip },
            resources: [],
            patients: [],
          }),
        );
    });
  }
}

function agentOf(account: Account, at: { address: string; clientId: string }): AccessRecord['agent'] {
  return {
    sub: accountSubject(account.tenantId, account.id),
    roles: account.roles,
    ...(account.fhirUser ? { fhirUser: account.fhirUser } : {}),
    clientId: at.clientId,
    address: at.address,
  };
}
