import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, FhirError } from '../../platform/http/operation-outcome.js';
import type { Queryable } from '../../platform/db/pool.js';
import type { Access } from '../interactions/access.js';
import {
  countHistory,
  readHistory,
  type HistoryCursor,
  type HistoryEntry,
} from '../storage/history-store.js';
import { flag, inTenant, queryPairs, type RestContext } from './context.js';
import { FHIR_JSON } from './headers.js';

const DEFAULT_COUNT = 50;
const MAX_COUNT = 1000;

/** Answers instance, type or system history as a `history` Bundle, newest first, with a next link. */
export async function sendHistory(
  ctx: RestContext,
  req: FastifyRequest,
  reply: FastifyReply,
  scope: { resourceType?: string; id?: string },
): Promise<FastifyReply> {
  const pairs = queryPairs(req);
  const count = parseCount(flag(pairs, '_count'));
  const since = parseInstant(flag(pairs, '_since'), '_since');
  const at = parseInstant(flag(pairs, '_at'), '_at');
  const pageToken = flag(pairs, '_page');
  const after = pageToken === undefined ? undefined : decodeCursor(pageToken);
  const query = {
    ...scope,
    count,
    ...(since ? { since } : {}),
    ...(at ? { at } : {}),
    ...(after ? { after } : {}),
  };
  const { entries, more, total } = await inTenant(ctx, req, async (s) => {
    if (!scope.id && s.access.compartment() !== null)
      // History rows carry no index to bound them by; a caller bounded by patients reads instance history.
      throw new FhirError(403, {
        severity: 'error',
        code: 'forbidden',
        diagnostics:
          'Type and system history are not available to this caller; read the history of one resource',
      });
    const page = await readHistory(s.q, s.tenantId, query);
    // counting a whole type's or the system's history is costly; an instance's is cheap
    const n = scope.id ? await countHistory(s.q, s.tenantId, query) : undefined;
    return { ...page, entries: await shownVersions(s.access, s.q, page.entries), total: n };
  });
  const path = req.raw.url ?? '';
  const base = `${ctx.fhirBaseUrl}${path.slice(path.indexOf('/fhir/R4') + '/fhir/R4'.length)}`;
  const links = [`{"relation":"self","url":${JSON.stringify(base)}}`];
  const last = entries[entries.length - 1];
  if (more && last) {
    const next = withParam(
      base,
      '_page',
      encodeCursor({ lastUpdated: last.lastUpdated, rid: last.rid, versionId: last.versionId }),
    );
    links.push(`{"relation":"next","url":${JSON.stringify(next)}}`);
  }
  const body =
    `{"resourceType":"Bundle","id":"${crypto.randomUUID()}","meta":{"lastUpdated":"${new Date().toISOString()}"},` +
    `"type":"history",${total === undefined ? '' : `"total":${total},`}"link":[${links.join(',')}],` +
    `"entry":[${entries.map((e) => historyEntry(ctx.fhirBaseUrl, e)).join(',')}]}`;
  return reply.code(200).type(FHIR_JSON).send(body);
}

/** Versions as the caller may see them; those they may not are left out. */
async function shownVersions(access: Access, q: Queryable, entries: HistoryEntry[]): Promise<HistoryEntry[]> {
  const withContent = entries.filter((e) => e.content !== null);
  const shown = await access.viewMany(
    'history',
    withContent.map((e) => ({ resourceType: e.resourceType, id: e.id, content: e.content ?? '' })),
    q,
  );
  const byEntry = new Map(withContent.map((e, i) => [e, shown[i]]));
  return entries.flatMap((e) => {
    if (e.content === null) return [e];
    const content = byEntry.get(e);
    return typeof content === 'string' ? [{ ...e, content }] : [];
  });
}

function historyEntry(fhirBaseUrl: string, e: HistoryEntry): string {
  const request =
    e.method === 'POST'
      ? { method: 'POST', url: e.resourceType }
      : { method: e.method, url: `${e.resourceType}/${e.id}` };
  const status = e.method === 'POST' ? '201 Created' : e.method === 'DELETE' ? '204 No Content' : '200 OK';
  const response = { status, etag: `W/"${e.versionId}"`, lastModified: e.lastUpdated };
  return (
    `{"fullUrl":${JSON.stringify(`${fhirBaseUrl}/${e.resourceType}/${e.id}`)},` +
    (e.content === null ? '' : `"resource":${e.content},`) +
    `"request":${JSON.stringify(request)},"response":${JSON.stringify(response)}}`
  );
}

function parseCount(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_COUNT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest('_count must be a non-negative integer');
  return Math.min(Math.max(n, 1), MAX_COUNT);
}

const INSTANT = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

function parseInstant(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined;
  if (!INSTANT.test(raw) || !Number.isFinite(Date.parse(raw.length === 4 ? `${raw}-01-01` : raw))) {
    throw badRequest(`${name} must be a FHIR instant, e.g. 2024-01-01T00:00:00Z`);
  }
  return new Date(Date.parse(raw.length === 4 ? `${raw}-01-01` : raw)).toISOString();
}

function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(JSON.stringify([c.lastUpdated, c.rid, c.versionId])).toString('base64url');
}

function decodeCursor(token: string): HistoryCursor {
  try {
    const [lastUpdated, rid, versionId] = JSON.parse(
      Buffer.from(token, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      typeof lastUpdated === 'string' &&
      Number.isFinite(Date.parse(lastUpdated)) &&
      typeof rid === 'string' &&
      /^\d+$/.test(rid) &&
      typeof versionId === 'number' &&
      Number.isInteger(versionId)
    ) {
      return { lastUpdated, rid, versionId };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('The _page token is not valid');
}

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}
