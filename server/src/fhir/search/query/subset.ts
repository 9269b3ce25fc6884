import type { Definitions, ElementDef } from '../../definitions/index.js';
import type { SummaryMode } from './types.js';

const SUBSETTED = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
};
const ALWAYS = new Set(['resourceType', 'id', 'meta']);

type Json = Record<string, unknown>;

/**
 * `_summary` and `_elements`, applied to top-level elements only (nested elements are kept whole:
 * R4 defines `_elements` on top-level names, and summary flags below the top level add little).
 */
export class Subsetter {
  private readonly keys = new Map<string, Map<string, ElementDef>>();

  constructor(private readonly defs: Definitions) {}

  /** JSON key → top-level element; choice elements answer for every `value[x]` spelling. */
  private elementsOf(type: string): Map<string, ElementDef> {
    let map = this.keys.get(type);
    if (map) return map;
    map = new Map();
    for (const el of this.defs.childrenOf(type, type) ?? []) {
      if (el.isChoice) {
        for (const t of el.types) map.set(el.name + t.code.charAt(0).toUpperCase() + t.code.slice(1), el);
      } else map.set(el.name, el);
    }
    this.keys.set(type, map);
    return map;
  }

  /** True when subsetting would change resources (the caller then skips parsing entirely). */
  static active(summary: SummaryMode | undefined, elements: string[] | undefined): boolean {
    return elements !== undefined || summary === 'true' || summary === 'text' || summary === 'data';
  }

  apply(
    content: string,
    type: string,
    summary: SummaryMode | undefined,
    elements: string[] | undefined,
  ): string {
    if (!Subsetter.active(summary, elements)) return content;
    const res = JSON.parse(content) as Json;
    const els = this.elementsOf(type);
    const wanted = elements ? new Set(elements) : undefined;
    const keep = (key: string): boolean => {
      const bare = key.startsWith('_') ? key.slice(1) : key;
      if (ALWAYS.has(bare)) return true;
      const el = els.get(bare);
      const mandatory = el !== undefined && el.min >= 1;
      if (wanted) return mandatory || wanted.has(bare) || (el !== undefined && wanted.has(el.name));
      if (summary === 'data') return bare !== 'text';
      if (summary === 'text') return bare === 'text' || mandatory;
      return mandatory || el?.isSummary === true;
    };
    const out: Json = {};
    for (const [k, v] of Object.entries(res)) if (keep(k)) out[k] = v;
    const meta = (typeof out.meta === 'object' && out.meta !== null ? out.meta : {}) as Json;
    const tags = Array.isArray(meta.tag) ? (meta.tag as unknown[]) : [];
    out.meta = { ...meta, tag: [...tags, SUBSETTED] };
    return JSON.stringify(out);
  }
}
