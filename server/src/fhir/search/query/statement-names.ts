import crypto from 'node:crypto';

/**
 * Names for the search statements that are prepared (server-side, per pooled connection) so that
 * PostgreSQL plans them once. Bounded: every name may hold a cached plan on every connection, and
 * the set of query shapes is chosen by clients. Shapes beyond the bound run unprepared.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly max = 128) {}

  /** The name for `sql`, derived from its text (so two engines on one pool agree), or undefined. */
  nameFor(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < this.max) {
      name = `fhir_search_${crypto.createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
      this.names.set(sql, name);
    }
    return name;
  }
}
