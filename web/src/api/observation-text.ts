import type { CodeableConcept } from './fhir-text.js';

export interface Quantity {
  value?: number;
  unit?: string;
  code?: string;
}

export interface Observation {
  id?: string;
  code?: CodeableConcept;
  effectiveDateTime?: string;
  issued?: string;
  valueQuantity?: Quantity;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  interpretation?: CodeableConcept[];
  referenceRange?: { low?: Quantity; high?: Quantity; text?: string }[];
  component?: { code?: CodeableConcept; valueQuantity?: Quantity }[];
}

/** A quantity as people read it: the number in the user's locale and its unit. */
export function quantityText(q: Quantity | undefined, locale: string): string {
  if (q?.value === undefined) return '';
  const unit = q.unit ?? q.code ?? '';
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(q.value)}${unit ? ` ${unit}` : ''}`;
}

/** The reference range: its text, else "low – high unit", else one bound with ≥ / ≤. */
export function rangeText(o: Observation, locale: string): string {
  const r = o.referenceRange?.[0];
  if (!r) return '';
  if (r.text) return r.text;
  const fmt = (n: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(n);
  const unit = r.low?.unit ?? r.high?.unit ?? '';
  const suffix = unit ? ` ${unit}` : '';
  if (r.low?.value !== undefined && r.high?.value !== undefined)
    return `${fmt(r.low.value)} – ${fmt(r.high.value)}${suffix}`;
  if (r.low?.value !== undefined) return `≥ ${fmt(r.low.value)}${suffix}`;
  if (r.high?.value !== undefined) return `≤ ${fmt(r.high.value)}${suffix}`;
  return '';
}

/**
 * H, L, A or N from the interpretation (v3 ObservationInterpretation codes, HH/LL folded), else
 * computed from the value against the reference range; undefined when nothing says.
 */
export function flagOf(o: Observation): 'H' | 'L' | 'A' | 'N' | undefined {
  const code = o.interpretation?.flatMap((c) => c.coding ?? []).find((c) => c.code)?.code;
  if (code) {
    if (code === 'H' || code === 'HH' || code === 'HU') return 'H';
    if (code === 'L' || code === 'LL' || code === 'LU') return 'L';
    if (code === 'N') return 'N';
    return 'A';
  }
  const v = o.valueQuantity?.value;
  const r = o.referenceRange?.[0];
  if (v === undefined || !r) return undefined;
  if (r.high?.value !== undefined && v > r.high.value) return 'H';
  if (r.low?.value !== undefined && v < r.low.value) return 'L';
  return r.high?.value !== undefined || r.low?.value !== undefined ? 'N' : undefined;
}

/** The observation's value: a quantity, a coded answer, text, or its components ("120 / 80 mm[Hg]"). */
export function valueText(
  o: Observation,
  locale: string,
  concept: (c: CodeableConcept | undefined) => string,
): string {
  if (o.valueQuantity) return quantityText(o.valueQuantity, locale);
  if (o.valueCodeableConcept) return concept(o.valueCodeableConcept);
  if (o.valueString) return o.valueString;
  const parts = (o.component ?? []).map((c) => quantityText(c.valueQuantity, locale)).filter(Boolean);
  return parts.join(' / ');
}
