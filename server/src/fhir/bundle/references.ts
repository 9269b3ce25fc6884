/**
 * Rewrites, in place, every `reference` (and every other string) equal to a key of `map` — the
 * `urn:uuid:`/`urn:oid:` fullUrls of a transaction's entries — to the `Type/id` they were given.
 * Contained resources are walked too; narrative XHTML is left alone.
 */
export function rewriteReferences(node: unknown, map: Map<string, string>): void {
  if (map.size === 0) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v: unknown = node[i];
      if (typeof v === 'string') {
        const to = map.get(v);
        if (to !== undefined) node[i] = to;
      } else rewriteReferences(v, map);
    }
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key === 'div') continue;
    const v = obj[key];
    if (typeof v === 'string') {
      const to = map.get(v) ?? mapWithFragment(v, map);
      if (to !== undefined) obj[key] = to;
    } else if (v && typeof v === 'object') rewriteReferences(v, map);
  }
}

/** `urn:uuid:x#frag` style references keep their fragment. */
function mapWithFragment(value: string, map: Map<string, string>): string | undefined {
  const hash = value.indexOf('#');
  if (hash <= 0) return undefined;
  const to = map.get(value.slice(0, hash));
  return to === undefined ? undefined : to + value.slice(hash);
}

/** Conditional references (`Patient?identifier=x|y`) found anywhere in `node`. */
export function conditionalReferences(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => conditionalReferences(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, v] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'reference' && typeof v === 'string' && /^[A-Z][A-Za-z]+\?/.test(v)) out.add(v);
      else if (v && typeof v === 'object') conditionalReferences(v, out);
    }
  }
  return out;
}
