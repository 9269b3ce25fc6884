import { badRequest } from '../../platform/http/operation-outcome.js';

export type EntryMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a Bundle entry asks for, with its URL split into FHIR parts. */
export interface EntryRequest {
  index: number;
  method: EntryMethod;
  /** `Patient`, from `Patient`, `Patient/1`, `Patient?x=y`, `Patient/1/_history/2` */
  type: string;
  id?: string;
  versionId?: string;
  /** `_history` requested on the type or instance */
  history: boolean;
  /** The query string after `?`, when there is one (search or conditional criteria). */
  query?: string;
  fullUrl?: string;
  resource?: Record<string, unknown>;
  ifNoneExist?: string;
  ifMatch?: string;
  ifNoneMatch?: string;
}

const METHODS = new Set<EntryMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads `Bundle.entry[index]` of a batch or transaction; 400 naming the entry when malformed. */
export function parseEntry(raw: unknown, index: number, fhirBaseUrl: string): EntryRequest {
  const where = [`Bundle.entry[${index}]`];
  if (!raw || typeof raw !== 'object') throw badRequest('A Bundle entry must be an object', where);
  const entry = raw as { fullUrl?: unknown; resource?: unknown; request?: Record<string, unknown> };
  const request = entry.request;
  if (!request || typeof request !== 'object')
    throw badRequest('A batch/transaction entry needs a request', where);
  const method = String(request.method ?? '').toUpperCase() as EntryMethod;
  if (!METHODS.has(method))
    throw badRequest('The entry request method is not supported', [`${where[0]}.request.method`]);
  if (typeof request.url !== 'string' || request.url === '') {
    throw badRequest('The entry request needs a url', [`${where[0]}.request.url`]);
  }
  let url = request.url;
  if (url.startsWith(fhirBaseUrl + '/')) url = url.slice(fhirBaseUrl.length + 1);
  url = url.replace(/^\//, '');
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const segments = path.split('/').filter((s) => s !== '');
  const [type, id, h, vid] = segments;
  if (!type || segments.length > 4 || (h !== undefined && h !== '_history')) {
    throw badRequest('The entry request url is not a FHIR interaction this server supports', [
      `${where[0]}.request.url`,
    ]);
  }
  const out: EntryRequest = { index, method, type, history: h === '_history' };
  if (id === '_history') out.history = true;
  else if (id !== undefined) out.id = decodeURIComponent(id);
  if (vid !== undefined) out.versionId = vid;
  if (q >= 0) out.query = url.slice(q + 1);
  if (typeof entry.fullUrl === 'string') out.fullUrl = entry.fullUrl;
  if (entry.resource !== undefined) {
    if (!entry.resource || typeof entry.resource !== 'object' || Array.isArray(entry.resource)) {
      throw badRequest('The entry resource must be a JSON object', [`${where[0]}.resource`]);
    }
    out.resource = entry.resource as Record<string, unknown>;
  }
  for (const key of ['ifNoneExist', 'ifMatch', 'ifNoneMatch'] as const) {
    if (typeof request[key] === 'string') out[key] = request[key];
  }
  return out;
}
