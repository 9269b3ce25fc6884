/**
 * Independent match rules for the cross-check test: given the FHIRPath result nodes of a search
 * parameter over one resource, does a search value match? Written from the R4 search page, without
 * reusing engine or indexer code, so the two implementations check each other.
 */
type Node = unknown;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function norm(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const NAME_PARTS = [
  'text',
  'family',
  'given',
  'prefix',
  'suffix',
  'line',
  'city',
  'district',
  'state',
  'postalCode',
  'country',
];

export function strings(n: Node): string[] {
  if (typeof n === 'string') return [n];
  if (!isObj(n)) return [];
  return NAME_PARTS.flatMap((k) => {
    const v = n[k];
    return Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string')
      : typeof v === 'string'
        ? [v]
        : [];
  });
}

/** [system, code] pairs a token parameter can match for one node. */
export function tokens(n: Node): [string | undefined, string][] {
  if (typeof n === 'string') return [[undefined, n]];
  if (typeof n === 'boolean') return [[undefined, String(n)]];
  if (!isObj(n)) return [];
  if (Array.isArray(n.coding)) return n.coding.flatMap((c) => tokens(c));
  if (typeof n.code === 'string') return [[typeof n.system === 'string' ? n.system : undefined, n.code]];
  if (typeof n.value === 'string') {
    // Identifier: system|value. ContactPoint: the value is the code; its system is not a URI.
    const isContactPoint =
      (typeof n.use === 'string' && ['home', 'work', 'temp', 'old', 'mobile'].includes(n.use)) ||
      ['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'].includes(String(n.system));
    return [[isContactPoint ? undefined : typeof n.system === 'string' ? n.system : undefined, n.value]];
  }
  return [];
}

export function tokenValue(n: Node): string | undefined {
  const [t] = tokens(n);
  if (!t) return undefined;
  return t[0] !== undefined ? `${t[0]}|${t[1]}` : t[1];
}

export function tokenMatches(nodes: Node[], value: string): boolean {
  const bar = value.indexOf('|');
  const system = bar >= 0 ? value.slice(0, bar) : undefined;
  const code = bar >= 0 ? value.slice(bar + 1) : value;
  return nodes.some((n) => tokens(n).some(([s, c]) => c === code && (system === undefined || s === system)));
}

export function stringMatches(nodes: Node[], value: string): boolean {
  return nodes.some((n) => strings(n).some((s) => norm(s).startsWith(norm(value))));
}

/** UTC millisecond range [lo, hi) of a date, dateTime, instant or Period. */
export function dateRange(n: Node): [number, number] | undefined {
  if (isObj(n)) {
    const s = typeof n.start === 'string' ? dateRange(n.start) : undefined;
    const e = typeof n.end === 'string' ? dateRange(n.end) : undefined;
    if (!s && !e) return undefined;
    return [s ? s[0] : -Infinity, e ? e[1] : Infinity];
  }
  if (typeof n !== 'string') return undefined;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(T.*)?$/.exec(n);
  if (!m) return undefined;
  const [, y, mo, d, time] = m;
  if (time) {
    const t = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(n) ? n : `${n}Z`);
    if (Number.isNaN(t)) return undefined;
    const frac = /\.(\d+)/.exec(time)?.[1];
    const seconds = /^T\d{2}:\d{2}:\d{2}/.test(time);
    const step = !seconds ? 60_000 : frac ? Math.max(1, 10 ** (3 - frac.length)) : 1000;
    return [t, t + step];
  }
  const Y = Number(y);
  if (mo === undefined) return [Date.UTC(Y, 0, 1), Date.UTC(Y + 1, 0, 1)];
  if (d === undefined) return [Date.UTC(Y, Number(mo) - 1, 1), Date.UTC(Y, Number(mo), 1)];
  return [Date.UTC(Y, Number(mo) - 1, Number(d)), Date.UTC(Y, Number(mo) - 1, Number(d) + 1)];
}

/** `eq`: the search range contains the value; `ge`: the value reaches at or above the search start. */
export function dateMatches(nodes: Node[], prefix: 'eq' | 'ge', q: [number, number]): boolean {
  return nodes.some((n) => {
    const r = dateRange(n);
    if (!r) return false;
    return prefix === 'eq' ? r[0] >= q[0] && r[1] <= q[1] : r[1] > q[1] || r[0] >= q[0];
  });
}

export function referenceOf(n: Node): string | undefined {
  if (isObj(n) && typeof n.reference === 'string' && /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]+$/.test(n.reference))
    return n.reference;
  return undefined;
}

export function referenceMatches(nodes: Node[], value: string, base: string): boolean {
  return nodes.some((n) => {
    if (!isObj(n) || typeof n.reference !== 'string') return false;
    const r = n.reference.replace(/\/_history\/[^/]+$/, '');
    return r === value || r === `${base}/${value}`;
  });
}

/** Half a unit in the last place of the decimal text: the search value's implied precision. */
function halfUnit(text: string): number {
  const decimals = text.includes('.') ? (text.split('.')[1]?.length ?? 0) : 0;
  return 0.5 * 10 ** -decimals;
}

export function numberMatches(values: number[], text: string): boolean {
  const q = Number(text);
  const d = halfUnit(text);
  return values.some((v) => v >= q - d - 1e-12 && v < q + d - 1e-12);
}

export function quantityOf(n: Node): { value: number; system?: string; code?: string } | undefined {
  if (!isObj(n) || typeof n.value !== 'number') return undefined;
  return {
    value: n.value,
    ...(typeof n.system === 'string' ? { system: n.system } : {}),
    ...(typeof n.code === 'string' ? { code: n.code } : {}),
  };
}

export function quantityValue(n: Node): string | undefined {
  const q = quantityOf(n);
  if (!q) return undefined;
  return q.system && q.code ? `${String(q.value)}|${q.system}|${q.code}` : String(q.value);
}

export function quantityMatches(nodes: Node[], value: string): boolean {
  const [num = '', system, code] = value.split('|');
  return nodes.some((n) => {
    const q = quantityOf(n);
    if (!q || !numberMatches([q.value], num)) return false;
    return system === undefined || (q.system === system && q.code === code);
  });
}
