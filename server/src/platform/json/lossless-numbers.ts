/**
 * FHIR decimals carry their precision in their text: `1.50` is not `1.5`, and a server must give
 * back what it was sent. JSON.parse keeps only the double, so this module remembers the source text
 * of every number whose double would print differently, next to the object (and key) that holds it,
 * and puts that text back when the value is serialized again. Documents without such numbers (most)
 * take the plain JSON.parse / JSON.stringify path.
 */

/** Source text of non-canonical numbers, by holder object and then by key (array index as string). */
const rawText = new WeakMap<object, Map<string, string>>();
/** Objects that hold, at any depth, a number with recorded source text. */
const containsRaw = new WeakSet<object>();

export class JsonTooDeep extends Error {}

/**
 * The source text of every number literal in `text`, in document order, or null when each one
 * would print the same after a round trip through a double (the common case). Throws JsonTooDeep
 * when objects/arrays nest deeper than `maxDepth`, before anything is parsed.
 */
export function scanJson(text: string, maxDepth: number): string[] | null {
  let depth = 0;
  let numbers: string[] | null = null;
  let lossy = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip a string, honouring escapes
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new JsonTooDeep();
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      while (i + 1 < text.length && isNumberChar(text.charCodeAt(i + 1))) i++;
      const raw = text.slice(start, i + 1);
      (numbers ??= []).push(raw);
      if (!lossy && String(Number(raw)) !== raw) lossy = true;
    }
  }
  return lossy ? numbers : null;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

/** JSON.parse that remembers the source text of numbers listed by scanJson (see module comment). */
export function parseWithNumbers(text: string, numbers: string[] | null): unknown {
  if (numbers === null) return JSON.parse(text);
  let next = 0;
  const recorded: [object, string, string][] = [];
  const value: unknown = JSON.parse(text, function (this: object, key: string, v: unknown) {
    if (typeof v === 'number') {
      const raw = numbers[next++];
      if (raw !== undefined && String(v) !== raw) recorded.push([this, key, raw]);
    }
    return v;
  });
  // Duplicate keys make the parser drop values, so the texts no longer line up: keep the doubles.
  if (next !== numbers.length) return value;
  for (const [holder, key, raw] of recorded) remember(holder, key, raw);
  markAncestors(value);
  return value;
}

/** Parses JSON text, keeping number precision (no depth limit: for text this server wrote). */
export function parseStoredJson(text: string): unknown {
  return parseWithNumbers(text, scanJson(text, Infinity));
}

function remember(holder: object, key: string, raw: string): void {
  let map = rawText.get(holder);
  if (!map) rawText.set(holder, (map = new Map()));
  map.set(key, raw);
}

/** Marks every object on a path to a holder with recorded text; returns whether `node` is marked. */
function markAncestors(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  let marked = rawText.has(node);
  for (const child of Array.isArray(node) ? node : Object.values(node as Record<string, unknown>)) {
    if (markAncestors(child)) marked = true;
  }
  if (marked) containsRaw.add(node);
  return marked;
}

/** Lets a shallow copy (`{ ...a }`) keep the number texts that `from` held directly. */
export function carryNumbers(from: object, to: object): void {
  const map = rawText.get(from);
  if (map) rawText.set(to, new Map(map));
  if (containsRaw.has(from)) containsRaw.add(to);
}

/** JSON.stringify that writes remembered numbers with their source text. */
export function stringifyWithNumbers(value: unknown): string {
  if (value === null || typeof value !== 'object' || !containsRaw.has(value)) return JSON.stringify(value);
  const texts: string[] = [];
  // A per-call nonce makes the placeholder impossible to forge from inside a string value.
  const nonce = Math.random().toString(36).slice(2, 10);
  const json = JSON.stringify(value, function (this: object, key: string, v: unknown) {
    if (typeof v === 'number') {
      const raw = rawText.get(this)?.get(key);
      if (raw !== undefined && Number(raw) === v) {
        texts.push(raw);
        return `\u0000${nonce}:${texts.length - 1}\u0000`;
      }
    }
    return v;
  });
  const placeholder = new RegExp(`"\\\\u0000${nonce}:(\\d+)\\\\u0000"`, 'g');
  return json.replace(placeholder, (_m, i: string) => texts[Number(i)] ?? 'null');
}
