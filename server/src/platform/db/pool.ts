import pg from 'pg';

export type Row = Record<string, unknown>;

/** What code outside platform/db may run SQL on: always bound to one tenant. */
export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>>;
  /** A named (server-side prepared) statement: for hot paths that run the same SQL many times. */
  prepared<R extends Row = Row>(
    name: string,
    sql: string,
    params: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

interface TenantClient extends pg.PoolClient {
  ovTenant?: number;
}

// Stored resources are served as the text they were written as; skip parsing of json/jsonb.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 114 || oid === 3802) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * The only door to PostgreSQL. Every connection runs as the `openvisit_app` role so row-level
 * security applies, and every use names the tenant, which is set on the connection before any SQL
 * runs. See docs/decisions/0003-tenant-isolation.md.
 */
export class Database {
  private readonly pool: pg.Pool;
  readonly max: number;

  constructor(
    readonly url: string,
    opts: { max?: number; statementTimeoutMs?: number } = {},
  ) {
    this.max = opts.max ?? 20;
    this.pool = new pg.Pool({
      connectionString: url,
      max: this.max,
      idleTimeoutMillis: 30_000,
      types,
      options: `-c role=openvisit_app -c statement_timeout=${opts.statementTimeoutMs ?? 30_000}`,
    });
    // An idle client that loses its server must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  stats(): PoolStats {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      max: this.max,
    };
  }

  /** Runs `fn` on one connection bound to `tenantId`, outside an explicit transaction. */
  async withTenant<T>(tenantId: number, fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.checkout(tenantId);
    try {
      return await fn(wrap(client));
    } finally {
      client.release();
    }
  }

  /** One statement for one tenant: one round trip when the connection is already bound to it. */
  async query<R extends Row = Row>(
    tenantId: number,
    sql: string,
    params: readonly unknown[] = [],
    name?: string,
  ): Promise<pg.QueryResult<R>> {
    const client = await this.checkout(tenantId);
    try {
      return await client.query<R>(
        name ? { name, text: sql, values: params as unknown[] } : { text: sql, values: params as unknown[] },
      );
    } finally {
      client.release();
    }
  }

  /**
   * A transaction for one tenant. The tenant is also set transaction-locally, so even a connection
   * whose session setting was changed by mistake cannot carry the transaction into another tenant.
   * `genericPlans`: prepared statements run on their generic plan, never re-planned for their
   * values — for hot paths whose statements take arrays (unnest), where PostgreSQL otherwise plans
   * every execution anew and may pick a different plan by the arrays' length.
   */
  async transaction<T>(
    tenantId: number,
    fn: (q: Queryable) => Promise<T>,
    opts: { genericPlans?: boolean } = {},
  ): Promise<T> {
    const client = await this.checkout(tenantId);
    let broken = false;
    try {
      const generic = opts.genericPlans ? `, set_config('plan_cache_mode', 'force_generic_plan', true)` : '';
      await client.query(`BEGIN; SELECT set_config('openvisit.tenant_id', '${tenantId}', true)${generic}`);
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** For platform workers that act across tenants (the outbox relay); never for request handling. */
  async relayTransaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(`BEGIN; SELECT set_config('openvisit.relay', 'on', true)`);
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Tenant-independent statements on tables without tenant rows (tenant directory, search_param). */
  async global<R extends Row = Row>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params as unknown[]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async checkout(tenantId: number): Promise<TenantClient> {
    if (!Number.isInteger(tenantId) || tenantId <= 0) throw new Error('invalid tenant id');
    const client = (await this.pool.connect()) as TenantClient;
    if (client.ovTenant !== tenantId) {
      try {
        await client.query(`SELECT set_config('openvisit.tenant_id', $1, false)`, [String(tenantId)]);
      } catch (err) {
        client.release(true);
        throw err;
      }
      client.ovTenant = tenantId;
    }
    return client;
  }
}

function wrap(client: pg.PoolClient): Queryable {
  return {
    query: <R extends Row>(sql: string, params: readonly unknown[] = []) =>
      client.query<R>({ text: sql, values: params as unknown[] }),
    prepared: <R extends Row>(name: string, sql: string, params: readonly unknown[]) =>
      client.query<R>({ name, text: sql, values: params as unknown[] }),
  };
}
