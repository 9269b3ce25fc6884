/** The reference columns of one index row. */
export interface ReferenceTarget {
  targetType: string | null;
  targetId: string | null;
  url: string | null;
  canonicalVersion: string | null;
}

const LOCAL = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export interface ReferenceParser {
  /** A Reference.reference or uri value. */
  reference(ref: string): ReferenceTarget;
  /** A canonical: `url|version` splits into url and canonicalVersion. */
  canonical(ref: string): ReferenceTarget;
}

/**
 * Parses reference strings against this server's base URL. `Type/id` (history stripped) and
 * `<baseUrl>/Type/id` are local: targetType/targetId set, url kept as written. Every other string
 * (another server's URL, `urn:uuid:`, `#contained`) is kept as url only: another server's
 * `Patient/1` is not ours, so it must not match `subject=Patient/1`.
 */
export function createReferenceParser(
  baseUrl: string,
  isResourceType: (t: string) => boolean,
): ReferenceParser {
  const prefix = baseUrl.replace(/\/+$/, '') + '/';
  const parse = (ref: string, canonicalVersion: string | null): ReferenceTarget => {
    const local = ref.startsWith(prefix) ? ref.slice(prefix.length) : ref;
    const m = LOCAL.exec(local);
    const type = m?.[1];
    if (m && type !== undefined && isResourceType(type)) {
      return { targetType: type, targetId: m[2] ?? null, url: ref, canonicalVersion };
    }
    return { targetType: null, targetId: null, url: ref, canonicalVersion };
  };
  return {
    reference: (ref) => parse(ref, null),
    canonical: (ref) => {
      const bar = ref.indexOf('|');
      return bar < 0 ? parse(ref, null) : parse(ref.slice(0, bar), ref.slice(bar + 1) || null);
    },
  };
}
