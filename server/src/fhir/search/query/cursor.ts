import crypto from 'node:crypto';
import { badRequest } from '../../../platform/http/operation-outcome.js';

/** A keyset position: the sort values and rid of the row a page starts after, and which way. */
export interface Cursor {
  keys: (string | null)[];
  rid: string;
  dir: 'next' | 'prev';
}

/**
 * Opaque, tamper-proof page tokens: base64url JSON plus an HMAC over it and over the search it
 * belongs to, so a token can neither be edited nor replayed against a different search.
 */
export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  private mac(payload: string, binding: string): string {
    return crypto
      .createHmac('sha256', this.secret)
      .update(binding)
      .update('\n')
      .update(payload)
      .digest('base64url')
      .slice(0, 22);
  }

  encode(c: Cursor, binding: string): string {
    const payload = Buffer.from(JSON.stringify([c.dir === 'next' ? 'n' : 'p', c.rid, c.keys])).toString(
      'base64url',
    );
    return `${payload}.${this.mac(payload, binding)}`;
  }

  /** Throws a 400 for anything not made by encode() for the same search and sort. */
  decode(token: string, binding: string, keyCount: number): Cursor {
    const invalid = () => badRequest(`Invalid or expired '_cursor'; restart the search from its first page`);
    const [payload, mac] = token.split('.');
    if (!payload || !mac || token.split('.').length !== 2) throw invalid();
    const expected = Buffer.from(this.mac(payload, binding));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) throw invalid();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
    const [dir, rid, keys] = parsed as unknown[];
    if ((dir !== 'n' && dir !== 'p') || typeof rid !== 'string' || !/^\d+$/.test(rid)) throw invalid();
    if (
      !Array.isArray(keys) ||
      keys.length !== keyCount ||
      !keys.every((k) => k === null || typeof k === 'string')
    ) {
      throw invalid();
    }
    return { dir: dir === 'n' ? 'next' : 'prev', rid, keys: keys as (string | null)[] };
  }
}

/** What a cursor is bound to: the type and every parameter except the cursor and page size. */
export function cursorBinding(resourceType: string | undefined, params: [string, string][]): string {
  return JSON.stringify([resourceType ?? '', params.filter(([n]) => n !== '_count' && n !== '_cursor')]);
}
