import crypto from 'node:crypto';
import type { OperationOutcome } from '../../../platform/http/operation-outcome.js';

export interface BundleEntry {
  resourceType: string;
  id: string;
  /** The resource JSON text, spliced in as is. */
  content: string;
  mode: 'match' | 'include';
}

export interface BundleLink {
  relation: 'self' | 'next' | 'previous';
  url: string;
}

/**
 * The searchset Bundle as text. Entries are concatenated rather than parsed and re-serialized:
 * stored content is already the exact JSON to serve.
 */
export function bundleJson(opts: {
  baseUrl: string;
  total: number | undefined;
  links: BundleLink[];
  entries: BundleEntry[];
  outcome: OperationOutcome | undefined;
}): string {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const parts: string[] = [];
  for (const e of opts.entries) {
    parts.push(
      `{"fullUrl":${JSON.stringify(`${base}/${e.resourceType}/${e.id}`)},"resource":${e.content},"search":{"mode":"${e.mode}"}}`,
    );
  }
  if (opts.outcome) {
    parts.push(
      `{"fullUrl":"urn:uuid:${crypto.randomUUID()}","resource":${JSON.stringify(opts.outcome)},"search":{"mode":"outcome"}}`,
    );
  }
  const head = [`"resourceType":"Bundle"`, `"id":"${crypto.randomUUID()}"`, `"type":"searchset"`];
  if (opts.total !== undefined) head.push(`"total":${opts.total}`);
  head.push(`"link":${JSON.stringify(opts.links)}`);
  if (parts.length > 0) head.push(`"entry":[${parts.join(',')}]`);
  return `{${head.join(',')}}`;
}

/** `base/path?a=1&b=2` with every name and value percent-encoded. */
export function linkUrl(baseUrl: string, path: string, params: [string, string][]): string {
  const base = baseUrl.replace(/\/+$/, '');
  const rel = path.replace(/^\/+|\/+$/g, '');
  const url = rel === '' ? base : `${base}/${rel}`;
  if (params.length === 0) return url;
  return `${url}?${params.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')}`;
}
