import crypto from 'node:crypto';
import type { Database, Queryable, Row } from '../../../platform/db/pool.js';
import { FhirError, operationOutcome } from '../../../platform/http/operation-outcome.js';
import { patientCompartmentParams } from '../../definitions/compartments.js';
import type { Definitions } from '../../definitions/index.js';
import { coveredParams } from '../covered-params.js';
import type { SearchParamRegistry } from '../../storage/search-param-registry.js';
import { type BundleLink, bundleJson, linkUrl } from './bundle.js';
import { type Cursor, CursorCodec, cursorBinding } from './cursor.js';
import { type ResourceRow, loadIncludes } from './include.js';
import { matchSql, pageSql } from './page-sql.js';
import type { ParseContext } from './parse-param.js';
import { parseSearch } from './parse.js';
import { StatementNames } from './statement-names.js';
import { Subsetter } from './subset.js';
import type {
  CompartmentCondition,
  FoundResource,
  ParsedSearch,
  ResultEntry,
  SearchRequest,
  SearchRestriction,
  SearchResult,
} from './types.js';

export interface SearchEngineDeps {
  db: Database;
  defs: Definitions;
  registry: SearchParamRegistry;
  /** This server's FHIR base, e.g. `https://ov.example/fhir/R4`: fullUrls, links, local references. */
  fhirBaseUrl: string;
  /** HMAC key for page cursors; share it between instances behind one load balancer. Random if unset. */
  cursorSecret?: string | Buffer;
}

type PageRow = ResourceRow & Record<`k${number}`, string | null>;

/** FHIR R4 search over the index tables; see README.md in this folder. */
/** How every page query of page-sql.ts starts. */
const ROW_COLUMNS = 'SELECT r.rid, r.res_type, r.id, r.content';

export class SearchEngine {
  private readonly ctx: ParseContext;
  private readonly codec: CursorCodec;
  private readonly subsetter: Subsetter;
  /** The select-list entry that reads the patients of a row (`r`) from the search index. */
  private readonly patientsColumn: string;
  private readonly statements = new StatementNames();

  constructor(private readonly deps: SearchEngineDeps) {
    this.ctx = {
      defs: deps.defs,
      registry: deps.registry,
      baseUrl: deps.fhirBaseUrl,
      covered: coveredParams(deps.defs),
    };
    const compartmentIds = [...patientCompartmentParams()].flatMap(([type, codes]) =>
      codes.filter((c) => deps.registry.has(type, c)).map((c) => deps.registry.id(type, c)),
    );
    this.patientsColumn =
      compartmentIds.length === 0
        ? ', NULL::text[] AS patients'
        : // `+ 0`: the parameter list filters the rid's few index rows; as an index condition it
          // would be one index descent per parameter.
          `, ARRAY(SELECT i.target_id FROM idx_reference i WHERE i.rid = r.rid AND i.target_type = 'Patient'` +
          ` AND i.param_id + 0 IN (${compartmentIds.join(', ')})) AS patients`;
    const secret = deps.cursorSecret ?? crypto.randomBytes(32);
    this.codec = new CursorCodec(typeof secret === 'string' ? Buffer.from(secret) : secret);
    this.subsetter = new Subsetter(deps.defs);
  }

  /**
   * One page of results as a searchset Bundle. `selfPath` is the path under the FHIR base that
   * links repeat (default: the resource type, or the base itself for a system search).
   * Throws FhirError (400) for malformed requests, and for unsupported parameters when strict.
   */
  async search(
    tenantId: number,
    req: SearchRequest,
    selfPath?: string,
    q?: Queryable,
  ): Promise<SearchResult> {
    const ps = this.restrict(parseSearch(this.ctx, req), req);
    const path = selfPath ?? req.resourceType ?? '';
    const binding = cursorBinding(req.resourceType, req.params);
    const cursor =
      ps.cursor === undefined ? undefined : this.codec.decode(ps.cursor, binding, ps.sort.length);
    const countOnly = ps.count === 0 || ps.summary === 'count';
    const all = this.deps.defs.resourceTypes.length;

    // A filtering caller (the access policy) learns whose record each row is from the index, in the
    // statement that reads it: no parsing of every resource, and no other version's references.
    const extra = req.restriction?.filterWantsPatients ? this.patientsColumn : '';
    let rows: PageRow[] = [];
    let more = false;
    if (!countOnly) {
      const page = pageSql(ps, tenantId, cursor, ps.count + 1, all);
      const sql = page.sql.replace(ROW_COLUMNS, `${ROW_COLUMNS}${extra}`);
      rows = (await this.exec<PageRow>(q, tenantId, sql, page.values, page.fixedPlan)).rows;
      more = rows.length > ps.count;
      rows = rows.slice(0, ps.count);
      if (cursor?.dir === 'prev') rows.reverse();
    }

    const total = await this.total(q, tenantId, ps, countOnly, cursor, more, rows.length);
    const links: BundleLink[] = [{ relation: 'self', url: linkUrl(this.deps.fhirBaseUrl, path, req.params) }];
    const first = rows[0];
    const last = rows[rows.length - 1];
    const backward = cursor?.dir === 'prev';
    if (last && (backward || more)) {
      links.push({
        relation: 'next',
        url: this.pageLink(path, ps, binding, this.position(ps, last, 'next')),
      });
    }
    if (first && (backward ? more : cursor !== undefined)) {
      links.push({
        relation: 'previous',
        url: this.pageLink(path, ps, binding, this.position(ps, first, 'prev')),
      });
    }

    const included =
      ps.includes.length > 0 && rows.length > 0
        ? await loadIncludes(
            async (sql, values) => (await this.exec<ResourceRow>(q, tenantId, sql, values)).rows,
            tenantId,
            this.deps.registry,
            ps.includes,
            rows,
            extra,
          )
        : [];
    const subset = (r: ResourceRow) => this.subsetter.apply(r.content, r.res_type, ps.summary, ps.elements);
    const entry = (r: ResourceRow, mode: 'match' | 'include') => ({
      resourceType: r.res_type,
      id: r.id,
      content: subset(r),
      mode,
      ...(r.patients !== undefined ? { patients: r.patients ?? [] } : {}),
    });
    const unfiltered = [...rows.map((r) => entry(r, 'match')), ...included.map((r) => entry(r, 'include'))];
    const entries = req.restriction?.filter
      ? await this.filtered(unfiltered, req.restriction.filter)
      : unfiltered;
    const outcome =
      ps.ignored.length > 0
        ? operationOutcome([
            {
              severity: 'warning',
              code: 'not-supported',
              diagnostics: `Search parameters ignored: ${ps.ignored.join(', ')}`,
            },
          ])
        : undefined;
    const bundle = bundleJson({ baseUrl: this.deps.fhirBaseUrl, total, links, entries, outcome });
    return { bundle, ignored: ps.ignored, ...(total !== undefined ? { total } : {}) };
  }

  /**
   * The resources matching `req` (no paging, no result controls), up to `limit`, in creation order;
   * for conditional create/update/delete. Pass `q` to run inside the caller's transaction.
   */
  async findIds(
    tenantId: number,
    req: SearchRequest,
    opts: { limit: number; q?: Queryable },
  ): Promise<FoundResource[]> {
    const ps = this.restrict(parseSearch(this.ctx, req), req);
    const sorted: ParsedSearch = { ...ps, sort: [] };
    const built = pageSql(sorted, tenantId, undefined, opts.limit, this.deps.defs.resourceTypes.length);
    const sql = built.sql.replace(ROW_COLUMNS, 'SELECT r.rid, r.res_type, r.id');
    const res = await this.exec<ResourceRow>(opts.q, tenantId, sql, built.values, built.fixedPlan);
    return res.rows.map((r) => ({ resourceType: r.res_type, id: r.id, rid: String(r.rid) }));
  }

  /** The caller's bound: allowed types only, and the compartment condition when patients bound it. */
  private restrict(ps: ParsedSearch, req: SearchRequest): ParsedSearch {
    const r = req.restriction;
    if (!r) return ps;
    const explicit = !ps.system || ps.types.length < this.deps.defs.resourceTypes.length;
    const types = r.types ? r.types(ps.types, explicit) : ps.types;
    const compartment = patientCompartmentParams();
    const conditions = [...ps.conditions];
    if (r.patients !== null) {
      const bounded = types.filter((t) => t === 'Patient' || compartment.has(t));
      const refIds = bounded.flatMap((t) =>
        t === 'Patient'
          ? []
          : (compartment.get(t) ?? [])
              .filter((c) => this.deps.registry.has(t, c))
              .map((c) => this.deps.registry.id(t, c)),
      );
      const cond: CompartmentCondition = {
        kind: 'compartment',
        refIds,
        patientType: bounded.includes('Patient'),
        patients: r.patients,
      };
      // Types outside the compartment (Practitioner, Medication…) are not bounded by it.
      if (bounded.length === types.length) conditions.push(cond);
      else if (bounded.length > 0)
        throw new FhirError(403, {
          severity: 'error',
          code: 'forbidden',
          diagnostics:
            'Search across compartment and non-compartment types at once is not permitted; name one type',
        });
    }
    return { ...ps, types, conditions };
  }

  private async filtered<E extends ResultEntry>(
    entries: E[],
    filter: NonNullable<SearchRestriction['filter']>,
  ): Promise<E[]> {
    const shown = await filter(entries);
    return entries.flatMap((e, i) => {
      const content = shown[i];
      return typeof content === 'string' ? [{ ...e, content }] : [];
    });
  }

  private position(ps: ParsedSearch, row: PageRow, dir: Cursor['dir']): Cursor {
    return { dir, rid: String(row.rid), keys: ps.sort.map((_, i) => row[`k${i}`] ?? null) };
  }

  private pageLink(path: string, ps: ParsedSearch, binding: string, c: Cursor): string {
    return linkUrl(this.deps.fhirBaseUrl, path, [
      ...ps.linkParams,
      ['_cursor', this.codec.encode(c, binding)],
    ]);
  }

  /**
   * accurate: COUNT(*); estimate: the planner's row estimate; by default a total only when it is
   * free (a first page that holds every match) or for `_count=0`/`_summary=count`.
   */
  private async total(
    q: Queryable | undefined,
    tenantId: number,
    ps: ParsedSearch,
    countOnly: boolean,
    cursor: Cursor | undefined,
    more: boolean,
    pageSize: number,
  ): Promise<number | undefined> {
    const all = this.deps.defs.resourceTypes.length;
    if (ps.total === 'none' && !countOnly) return undefined;
    if (ps.total === 'estimate' && !countOnly) {
      const m = matchSql(ps, tenantId, all, '1');
      const res = await this.exec<{ 'QUERY PLAN': unknown }>(
        q,
        tenantId,
        `EXPLAIN (FORMAT JSON) ${m.sql}`,
        m.values,
      );
      const raw = res.rows[0]?.['QUERY PLAN'];
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: { 'Plan Rows'?: number } }[];
      return Math.round(plan[0]?.Plan?.['Plan Rows'] ?? 0);
    }
    if (ps.total === 'accurate' || countOnly) {
      const m = matchSql(ps, tenantId, all, 'count(*)::int AS n');
      const res = await this.exec<{ n: number }>(q, tenantId, m.sql, m.values);
      return res.rows[0]?.n ?? 0;
    }
    return cursor === undefined && !more ? pageSize : undefined;
  }

  /**
   * On the caller's connection (its transaction sees its own writes), else on a pooled one.
   * `fixedPlan` statements are prepared, so PostgreSQL skips planning after their first runs.
   */
  private exec<R extends Row>(
    q: Queryable | undefined,
    tenantId: number,
    sql: string,
    values: unknown[],
    fixedPlan = false,
  ) {
    const name = fixedPlan ? this.statements.nameFor(sql) : undefined;
    if (q) return name ? q.prepared<R>(name, sql, values) : q.query<R>(sql, values);
    return this.deps.db.query<R>(tenantId, sql, values, name);
  }
}
