import { definitions } from '../definitions/index.js';

/** How a FHIR primitive is written in JSON. */
export type JsonKind = 'string' | 'number' | 'boolean';

/**
 * Checks one primitive value of a known JSON kind. Returns the reason it is invalid, phrased so it can
 * follow the element name ("is not a valid date"), or undefined when valid. Never includes the value.
 */
export type PrimitiveCheck = (value: string | number | boolean) => string | undefined;

export interface PrimitiveSpec {
  type: string;
  json: JsonKind;
  check: PrimitiveCheck;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** FHIR: "strings SHALL NOT exceed 1MB"; counted in UTF-8 bytes, measured only when it could matter. */
const MAX_STRING_BYTES = 1024 * 1024;

const SPACE_CHARS = ' \\t\\n\\x0B\\f\\r';

/**
 * The published regexes follow XML Schema / Java semantics, where `\s` is ASCII whitespace only; in
 * JavaScript it would also match non-breaking and other Unicode spaces, rejecting codes the reference
 * validator accepts.
 */
export function toJsRegexSource(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length) {
      const next = source[i + 1];
      i++;
      if (next === 's') out += inClass ? SPACE_CHARS : `[${SPACE_CHARS}]`;
      else if (next === 'S' && !inClass) out += `[^${SPACE_CHARS}]`;
      else out += `\\${next}`;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    out += c;
  }
  return out;
}

function anchored(source: string): RegExp {
  return new RegExp(`^(?:${toJsRegexSource(source)})$`);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The official regexes allow 2023-02-31; a real calendar does not. Only called after the regex matched. */
function isRealDay(value: string): boolean {
  if (value.length < 10) return true;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return day <= daysInMonth(year, month);
}

function tooLong(value: string): boolean {
  // A UTF-8 character takes at most 4 bytes, so shorter strings cannot exceed the limit.
  return value.length * 4 > MAX_STRING_BYTES && Buffer.byteLength(value, 'utf8') > MAX_STRING_BYTES;
}

/** C0 control characters other than tab, CR and LF, which FHIR strings should not contain. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return true;
  }
  return false;
}

function isBlank(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/**
 * Linear equivalent of the official base64Binary regex `(\s*([0-9a-zA-Z\+/=]){4}\s*)+`, whose nested
 * quantifiers backtrack catastrophically on large invalid attachments: whitespace only between groups of four.
 */
function isBase64(value: string): boolean {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      if (count % 4 !== 0) return false;
      continue;
    }
    const ok =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 43 ||
      c === 47 ||
      c === 61;
    if (!ok) return false;
    count++;
  }
  return count > 0 && count % 4 === 0;
}

function stringCheck(type: string, regex: RegExp | undefined, calendar: boolean): PrimitiveCheck {
  const invalid = `is not a valid ${type}`;
  return (value) => {
    const s = value as string;
    if (s.length === 0) return 'must not be an empty string';
    if (isBlank(s)) return 'must not be only whitespace';
    if (tooLong(s)) return 'exceeds the 1MB limit for strings';
    if (regex !== undefined && !regex.test(s)) return invalid;
    if (calendar && !isRealDay(s)) return invalid;
    return undefined;
  };
}

function integerCheck(type: string, min: number): PrimitiveCheck {
  return (value) => {
    const n = value as number;
    if (!Number.isInteger(n)) return `is not a valid ${type} (must be a whole number)`;
    if (n < min || n > INT32_MAX) return `is out of range for ${type}`;
    return undefined;
  };
}

const TEXT_TYPES = new Set(['string', 'markdown']);
const CALENDAR_TYPES = new Set(['date', 'dateTime', 'instant']);

function specFor(type: string, regexSource: string | undefined): PrimitiveSpec {
  switch (type) {
    case 'boolean':
      return { type, json: 'boolean', check: () => undefined };
    case 'integer':
      return { type, json: 'number', check: integerCheck(type, INT32_MIN) };
    case 'unsignedInt':
      return { type, json: 'number', check: integerCheck(type, 0) };
    case 'positiveInt':
      return { type, json: 'number', check: integerCheck(type, 1) };
    case 'decimal':
      return {
        type,
        json: 'number',
        check: (v) => (Number.isFinite(v) ? undefined : 'is not a valid decimal'),
      };
    case 'base64Binary': {
      const base = stringCheck(type, undefined, false);
      return {
        type,
        json: 'string',
        check: (v) => base(v) ?? (isBase64(v as string) ? undefined : 'is not valid base64'),
      };
    }
    case 'xhtml': {
      const base = stringCheck(type, undefined, false);
      return {
        type,
        json: 'string',
        check: (v) =>
          base(v) ??
          ((v as string).trimStart().startsWith('<div') ? undefined : 'must be an xhtml div element'),
      };
    }
    default: {
      if (TEXT_TYPES.has(type)) {
        // The published string regex would also reject non-breaking spaces; the spec's prose only excludes controls.
        const base = stringCheck(type, undefined, false);
        return {
          type,
          json: 'string',
          check: (v) =>
            base(v) ?? (hasControlCharacter(v as string) ? 'contains control characters' : undefined),
        };
      }
      const regex = regexSource === undefined ? undefined : anchored(regexSource);
      return { type, json: 'string', check: stringCheck(type, regex, CALENDAR_TYPES.has(type)) };
    }
  }
}

let specs: Map<string, PrimitiveSpec> | undefined;

/** Every R4 primitive type with its JSON kind and compiled check, built once from the definitions. */
export function primitiveSpecs(): Map<string, PrimitiveSpec> {
  if (specs) return specs;
  specs = new Map();
  for (const type of definitions().types.values()) {
    if (type.kind !== 'primitive-type') continue;
    specs.set(type.name, specFor(type.name, type.elements.get(`${type.name}.value`)?.regex));
  }
  return specs;
}
