import type { Database } from '../../platform/db/pool.js';

type RevocationRow = {
  seq: string;
  kind: 'grant' | 'subject';
  value: string;
  not_before: Date;
  expires_at: Date;
};

/**
 * Revoked grants and accounts, kept in memory on every node so that checking a token costs two map
 * lookups. Revocations made here apply at once; those made by other nodes arrive by polling the table
 * (new rows by `seq`), so a revocation reaches every node within `pollMs`.
 */
export class RevocationList {
  private readonly grants = new Map<string, number>();
  /** account subject → epoch milliseconds at which its tokens issued until then died; expiry in seconds */
  private readonly subjects = new Map<string, { notBefore: number; expires: number }>();
  private lastSeq = 0n;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly opts: { pollMs: number } = { pollMs: 1000 },
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.opts.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * `gid` is the token's grant tag; `ims` when it was issued in milliseconds (OpenVisit's tokens carry
   * it, so that signing in again within the second of a sign-out works), else `iat` in seconds.
   */
  isRevoked(token: {
    sub?: string | undefined;
    gid?: string | undefined;
    iat: number;
    ims?: number | undefined;
  }): boolean {
    if (token.gid !== undefined && this.grants.has(token.gid)) return true;
    if (token.sub === undefined) return false;
    const s = this.subjects.get(token.sub);
    if (s === undefined) return false;
    return token.ims !== undefined ? token.ims <= s.notBefore : token.iat * 1000 <= s.notBefore;
  }

  async revokeGrant(grantTag: string, ttlSeconds: number): Promise<void> {
    const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
    this.grants.set(grantTag, expires);
    await this.db.global(
      `INSERT INTO auth_revocation (kind, value, expires_at) VALUES ('grant', $1, to_timestamp($2))`,
      [grantTag, expires],
    );
  }

  /** Every token of the account issued until now (sign out everywhere, a disabled account). */
  async revokeSubject(sub: string, ttlSeconds: number): Promise<void> {
    const nowMs = Date.now();
    const expires = Math.floor(nowMs / 1000) + ttlSeconds;
    this.subjects.set(sub, { notBefore: nowMs, expires });
    await this.db.global(
      `INSERT INTO auth_revocation (kind, value, not_before, expires_at) VALUES ('subject', $1, to_timestamp($2 / 1000.0), to_timestamp($3))`,
      [sub, nowMs, expires],
    );
  }

  private poll(): Promise<void> {
    this.polling ??= this.fetch().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async fetch(): Promise<void> {
    const res = await this.db.global<RevocationRow>(
      `SELECT seq::text, kind, value, not_before, expires_at FROM auth_revocation
       WHERE seq > $1 AND expires_at > now() ORDER BY auth_revocation.seq`,
      [this.lastSeq.toString()],
    );
    for (const r of res.rows) {
      this.lastSeq = BigInt(r.seq);
      const expires = Math.floor(r.expires_at.getTime() / 1000);
      if (r.kind === 'grant') this.grants.set(r.value, expires);
      else {
        const notBefore = r.not_before.getTime();
        const prev = this.subjects.get(r.value);
        if (!prev || prev.notBefore < notBefore) this.subjects.set(r.value, { notBefore, expires });
      }
    }
    this.prune();
  }

  private prune(): void {
    const now = Math.floor(Date.now() / 1000);
    for (const [k, exp] of this.grants) if (exp < now) this.grants.delete(k);
    for (const [k, s] of this.subjects) if (s.expires < now) this.subjects.delete(k);
  }
}
