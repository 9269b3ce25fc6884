import crypto from 'node:crypto';
import type { Database } from '../../platform/db/pool.js';
import {
  badRequest,
  FhirError,
  operationOutcome,
  preconditionFailed,
  type Issue,
} from '../../platform/http/operation-outcome.js';
import { findSingleMatch, parseCriteria } from '../interactions/criteria.js';
import type { Scope, Caller } from '../interactions/deps.js';
import { checkType } from '../interactions/request-body.js';
import type { PreferReturn } from '../rest/headers.js';
import { newId } from '../storage/resource-store.js';
import { parseEntry, type EntryRequest } from './entry-request.js';
import { executeEntry, type EntryDeps, type EntryResult } from './execute-entry.js';
import { conditionalReferences, rewriteReferences } from './references.js';
import { statusLine } from './status-text.js';

export interface BundleDeps extends EntryDeps {
  db: Database;
  fhirBaseUrl: string;
}

export interface BundleAnswer {
  json: string;
  /** True when anything was written (the caller kicks the outbox relay). */
  wrote: boolean;
}

// The order FHIR R4 prescribes for processing a transaction's entries.
const ORDER: Record<EntryRequest['method'], number> = {
  DELETE: 0,
  POST: 1,
  PUT: 2,
  PATCH: 2,
  GET: 3,
  HEAD: 3,
};
const MAX_ENTRIES = 10_000;

/** POST [base] with a batch or transaction Bundle. */
export async function processBundle(
  d: BundleDeps,
  caller: Caller,
  body: unknown,
  preferReturn: PreferReturn,
): Promise<BundleAnswer> {
  if (!body || typeof body !== 'object' || (body as { resourceType?: unknown }).resourceType !== 'Bundle') {
    throw badRequest('POST to the base URL takes a Bundle of type batch or transaction', ['resourceType']);
  }
  const bundle = body as { type?: unknown; entry?: unknown };
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') {
    throw badRequest('Only batch and transaction Bundles can be processed here', ['Bundle.type']);
  }
  const rawEntries = bundle.entry === undefined ? [] : bundle.entry;
  if (!Array.isArray(rawEntries)) throw badRequest('Bundle.entry must be an array', ['Bundle.entry']);
  if (rawEntries.length > MAX_ENTRIES) throw badRequest(`A Bundle may hold at most ${MAX_ENTRIES} entries`);
  if (bundle.type === 'transaction') {
    const entries = rawEntries.map((e, i) => parseEntry(e, i, d.fhirBaseUrl));
    const results = await runTransaction(d, caller, entries);
    return {
      json: responseBundle('transaction-response', results, preferReturn, d.fhirBaseUrl),
      wrote: results.some((r) => r.wrote),
    };
  }
  const results = await runBatch(d, caller, rawEntries);
  return {
    json: responseBundle('batch-response', results, preferReturn, d.fhirBaseUrl),
    wrote: results.some((r) => 'wrote' in r && r.wrote),
  };
}

type Answer = EntryResult | { status: number; outcome: Issue[]; wrote: false };

async function runTransaction(
  d: BundleDeps,
  caller: Caller,
  entries: EntryRequest[],
): Promise<EntryResult[]> {
  checkNoDuplicates(entries);
  return d.db.transaction(caller.tenantId, async (q) => {
    const scope: Scope = { ...caller, q };
    const ids = await resolveIdentities(d, scope, entries);
    const refMap = new Map<string, string>();
    for (const e of entries) {
      const id = ids.get(e.index);
      if (e.fullUrl && id !== undefined) refMap.set(e.fullUrl, `${e.type}/${id}`);
    }
    for (const e of entries) if (e.resource) rewriteReferences(e.resource, refMap);
    await resolveConditionalReferences(d, scope, entries);
    const results: EntryResult[] = new Array<EntryResult>(entries.length);
    const ordered = [...entries].sort((a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index);
    for (const e of ordered) {
      try {
        if (e.method === 'GET' || e.method === 'HEAD') checkType(d.deps, e.type);
        results[e.index] = await executeEntry(d, scope, e, ids.get(e.index));
      } catch (err) {
        throw locate(err, e.index);
      }
    }
    return results;
  });
}

/**
 * Gives every POST entry (and conditional PUT) the id it will have, before anything is written, so
 * references to its fullUrl can be rewritten in entries processed earlier.
 */
async function resolveIdentities(
  d: BundleDeps,
  scope: Scope,
  entries: EntryRequest[],
): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  for (const e of entries) {
    try {
      if (e.method === 'POST') {
        if (e.ifNoneExist) {
          checkType(d.deps, e.type);
          const crit = parseCriteria(e.ifNoneExist, e.type);
          const match = await findSingleMatch(d.deps, scope, e.type, crit, 'Conditional create');
          ids.set(e.index, match?.id ?? newId());
        } else ids.set(e.index, newId());
      } else if (e.method === 'PUT' && e.id === undefined && e.query !== undefined) {
        checkType(d.deps, e.type);
        const crit = parseCriteria(e.query, e.type);
        const match = await findSingleMatch(d.deps, scope, e.type, crit, 'Conditional update');
        const own = e.resource?.id;
        ids.set(e.index, match?.id ?? (typeof own === 'string' ? own : newId()));
      } else if (
        (e.method === 'PUT' || e.method === 'PATCH' || e.method === 'DELETE') &&
        e.id !== undefined
      ) {
        ids.set(e.index, e.id);
      }
    } catch (err) {
      throw locate(err, e.index);
    }
  }
  return ids;
}

/** Replaces `Type?criteria` references by the one resource they match (412 for none or several). */
async function resolveConditionalReferences(
  d: BundleDeps,
  scope: Scope,
  entries: EntryRequest[],
): Promise<void> {
  for (const e of entries) {
    if (!e.resource) continue;
    const refs = conditionalReferences(e.resource);
    if (refs.size === 0) continue;
    const map = new Map<string, string>();
    for (const ref of refs) {
      const q = ref.indexOf('?');
      const type = ref.slice(0, q);
      try {
        checkType(d.deps, type);
        const matches = await d.deps.matcher.match(scope, type, parseCriteria(ref.slice(q + 1), type), 2);
        if (matches.length !== 1) {
          throw preconditionFailed(
            `A conditional reference to ${type} matches ${matches.length === 0 ? 'no' : 'more than one'} resource`,
          );
        }
        map.set(ref, `${type}/${matches[0]?.id ?? ''}`);
      } catch (err) {
        throw locate(err, e.index);
      }
    }
    rewriteReferences(e.resource, map);
  }
}

function checkNoDuplicates(entries: EntryRequest[]): void {
  const fullUrls = new Set<string>();
  const targets = new Set<string>();
  for (const e of entries) {
    if (e.fullUrl && e.method !== 'GET' && e.method !== 'HEAD') {
      if (fullUrls.has(e.fullUrl))
        throw badRequest('Two entries share one fullUrl', [`Bundle.entry[${e.index}].fullUrl`]);
      fullUrls.add(e.fullUrl);
    }
    if (e.id !== undefined && e.method !== 'GET' && e.method !== 'HEAD') {
      const key = `${e.type}/${e.id}`;
      if (targets.has(key))
        throw badRequest('Two entries change the same resource', [`Bundle.entry[${e.index}].request.url`]);
      targets.add(key);
    }
  }
}

/** A batch: every entry on its own, failures reported in its response entry. */
async function runBatch(d: BundleDeps, caller: Caller, rawEntries: unknown[]): Promise<Answer[]> {
  const results: Answer[] = [];
  for (let i = 0; i < rawEntries.length; i++) {
    try {
      const e = parseEntry(rawEntries[i], i, d.fhirBaseUrl);
      if (e.method === 'GET' || e.method === 'HEAD') checkType(d.deps, e.type);
      results.push(await d.db.transaction(caller.tenantId, (q) => executeEntry(d, { ...caller, q }, e)));
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      results.push({ status: err.status, outcome: err.issues, wrote: false });
    }
  }
  return results;
}

/** Adds the entry's location to an error so the client learns which entry failed the transaction. */
function locate(err: unknown, index: number): unknown {
  if (!(err instanceof FhirError)) return err;
  const where = `Bundle.entry[${index}]`;
  const issues = err.issues.map((i) => ({
    ...i,
    diagnostics: `Bundle.entry[${index}]: ${i.diagnostics}`,
    expression: i.expression?.map((x) =>
      x.startsWith('Bundle.entry[')
        ? x
        : `${where}.resource.${x.replace(/^[A-Z][A-Za-z]+\.?/, '')}`.replace(/\.$/, ''),
    ) ?? [where],
  }));
  return new FhirError(err.status, issues, err.headers);
}

function responseBundle(
  type: 'transaction-response' | 'batch-response',
  results: Answer[],
  preferReturn: PreferReturn,
  fhirBaseUrl: string,
): string {
  const entries = results.map((r) => {
    if ('outcome' in r) {
      return `{"response":{"status":${JSON.stringify(statusLine(r.status))},"outcome":${JSON.stringify(operationOutcome(r.outcome))}}}`;
    }
    const parts: string[] = [];
    if (r.stored)
      parts.push(`"fullUrl":${JSON.stringify(`${fhirBaseUrl}/${r.stored.resourceType}/${r.stored.id}`)}`);
    const text = r.body ?? r.stored?.content ?? null;
    if (text !== null && preferReturn !== 'minimal') parts.push(`"resource":${text}`);
    const response: Record<string, string> = { status: statusLine(r.status) };
    if (r.stored) {
      if (r.status === 201 || r.stored.deleted === false) {
        response.location = `${r.stored.resourceType}/${r.stored.id}/_history/${r.stored.versionId}`;
      }
      response.etag = `W/"${r.stored.versionId}"`;
      response.lastModified = r.stored.lastUpdated;
    }
    parts.push(`"response":${JSON.stringify(response)}`);
    return `{${parts.join(',')}}`;
  });
  return `{"resourceType":"Bundle","id":"${crypto.randomUUID()}","type":"${type}","entry":[${entries.join(',')}]}`;
}
