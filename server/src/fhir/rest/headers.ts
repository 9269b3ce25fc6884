import type { FastifyReply } from 'fastify';
import { badRequest, FhirError } from '../../platform/http/operation-outcome.js';
import type { StoredVersion } from '../storage/resource-store.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export function etag(versionId: number): string {
  return `W/"${versionId}"`;
}

/** The version an `If-Match` header names (`W/"3"`, `"3"` or `3`); 400 when it is not a version. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m) throw badRequest('If-Match must name a version, e.g. W/"3"');
  return Number(m[1]);
}

export type PreferReturn = 'minimal' | 'representation' | 'OperationOutcome';

export interface Prefer {
  return: PreferReturn;
  strict: boolean;
}

/** Reads `Prefer: return=…` and `Prefer: handling=strict|lenient` (several may be comma-separated). */
export function parsePrefer(header: string | string[] | undefined): Prefer {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const prefer: Prefer = { return: 'representation', strict: false };
  for (const part of text.split(/[,;]/)) {
    const [rawKey, rawValue] = part.split('=');
    const key = rawKey?.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"|"$/g, '');
    if (
      key === 'return' &&
      (value === 'minimal' || value === 'representation' || value === 'OperationOutcome')
    ) {
      prefer.return = value;
    } else if (key === 'handling') prefer.strict = value === 'strict';
  }
  return prefer;
}

export function versionHeaders(reply: FastifyReply, stored: StoredVersion): void {
  reply.header('ETag', etag(stored.versionId));
  reply.header('Last-Modified', new Date(stored.lastUpdated).toUTCString());
}

const XML_ONLY = /^(application\/(fhir\+)?xml|text\/xml|xml)$/i;

/** 406 for a client that can only take XML (`_format=xml`, or an Accept header without JSON or wildcard). */
export function checkAcceptable(accept: string | undefined, format: string | undefined): void {
  if (format !== undefined && XML_ONLY.test(format.trim())) throw notAcceptable();
  if (!accept) return;
  const types = accept.split(',').map((t) => (t.split(';')[0] ?? '').trim());
  if (types.length > 0 && types.every((t) => XML_ONLY.test(t))) throw notAcceptable();
}

function notAcceptable(): FhirError {
  return new FhirError(406, {
    severity: 'error',
    code: 'not-supported',
    diagnostics: 'Only JSON is supported (application/fhir+json)',
  });
}
