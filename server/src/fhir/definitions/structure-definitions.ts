import { listPackageFiles, readPackageJson } from './package-files.js';
import type { ElementDef, ElementType, TypeDef, TypeKind } from './types.js';

interface RawType {
  code: string;
  targetProfile?: string[];
  profile?: string[];
  extension?: { url: string; valueUrl?: string; valueString?: string }[];
}
interface RawElement {
  path: string;
  min?: number;
  max?: string;
  type?: RawType[];
  isSummary?: boolean;
  isModifier?: boolean;
  binding?: {
    strength: ElementDef['binding'] extends infer B ? (B extends { strength: infer S } ? S : never) : never;
    valueSet?: string;
  };
  contentReference?: string;
}
export interface RawStructureDefinition {
  resourceType: 'StructureDefinition';
  url: string;
  name: string;
  type: string;
  kind: TypeKind;
  abstract: boolean;
  derivation?: 'specialization' | 'constraint';
  baseDefinition?: string;
  snapshot: { element: RawElement[] };
}

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/regex';
const SYSTEM_TYPES: Record<string, string> = {
  'http://hl7.org/fhirpath/System.String': 'string',
  'http://hl7.org/fhirpath/System.Boolean': 'boolean',
  'http://hl7.org/fhirpath/System.Integer': 'integer',
  'http://hl7.org/fhirpath/System.Decimal': 'decimal',
  'http://hl7.org/fhirpath/System.Date': 'date',
  'http://hl7.org/fhirpath/System.DateTime': 'dateTime',
  'http://hl7.org/fhirpath/System.Time': 'time',
};

function toElementType(t: RawType): ElementType {
  const fhirType = t.extension?.find((e) => e.url === FHIR_TYPE_EXT)?.valueUrl;
  const code = fhirType ?? SYSTEM_TYPES[t.code] ?? t.code;
  const out: ElementType = { code };
  if (t.targetProfile) out.targetProfiles = t.targetProfile;
  if (t.profile) out.profiles = t.profile;
  return out;
}

function toElementDef(e: RawElement): ElementDef {
  const last = e.path.slice(e.path.lastIndexOf('.') + 1);
  const isChoice = last.endsWith('[x]');
  const def: ElementDef = {
    path: e.path,
    name: isChoice ? last.slice(0, -3) : last,
    min: e.min ?? 0,
    max: e.max === undefined || e.max === '*' ? Infinity : Number(e.max),
    types: (e.type ?? []).map(toElementType),
    isChoice,
    isSummary: e.isSummary === true,
    isModifier: e.isModifier === true,
  };
  if (e.binding)
    def.binding = {
      strength: e.binding.strength,
      ...(e.binding.valueSet ? { valueSet: e.binding.valueSet } : {}),
    };
  if (e.contentReference) def.contentReference = e.contentReference.replace(/^#/, '');
  const regex = e.type?.[0]?.extension?.find((x) => x.url === REGEX_EXT)?.valueString;
  if (regex) def.regex = regex;
  return def;
}

function toTypeDef(sd: RawStructureDefinition): TypeDef {
  const elements = new Map<string, ElementDef>();
  const children = new Map<string, ElementDef[]>();
  for (const raw of sd.snapshot.element) {
    // Slices (path repeated with a sliceName) only exist in profiles; base definitions have none.
    if (elements.has(raw.path)) continue;
    const def = toElementDef(raw);
    elements.set(def.path, def);
    const dot = def.path.lastIndexOf('.');
    if (dot > 0) {
      const parent = def.path.slice(0, dot);
      const list = children.get(parent);
      if (list) list.push(def);
      else children.set(parent, [def]);
    }
  }
  const base = sd.baseDefinition?.slice(sd.baseDefinition.lastIndexOf('/') + 1);
  return {
    name: sd.type,
    kind: sd.kind,
    abstract: sd.abstract,
    ...(base ? { base } : {}),
    url: sd.url,
    elements,
    children,
  };
}

/** Every base type of R4 (no profiles), keyed by type name. */
export function loadTypeDefs(): Map<string, TypeDef> {
  const types = new Map<string, TypeDef>();
  for (const file of listPackageFiles('StructureDefinition-')) {
    const sd = readPackageJson<RawStructureDefinition>(file);
    if (sd.derivation === 'constraint' || !sd.snapshot) continue;
    if (sd.kind === 'logical') continue;
    types.set(sd.type, toTypeDef(sd));
  }
  return types;
}
