import { definitions } from '../definitions/index.js';
import type { Definitions, ElementDef } from '../definitions/index.js';
import { primitiveSpecs } from './primitive-values.js';
import type { PrimitiveSpec } from './primitive-values.js';
import { expand } from './value-set-expansion.js';
import type { Expansion } from './value-set-expansion.js';

export type FieldKind = 'primitive' | 'complex' | 'resource';

/** One JSON key an object may carry, with everything needed to check its value. */
export interface Field {
  /** The JSON key: `name`, `valueQuantity`. */
  readonly key: string;
  readonly element: ElementDef;
  /** The FHIR type of this key's value (for a choice, the type its suffix names). */
  readonly type: string;
  readonly kind: FieldKind;
  /** max > 1: JSON array; otherwise a single value. */
  readonly isArray: boolean;
  readonly primitive: PrimitiveSpec | undefined;
  /** `_key` for primitives, whose extensions travel in a companion key. */
  readonly companionKey: string | undefined;
  /** Canonical of a required binding on a code, Coding or CodeableConcept. */
  readonly requiredValueSet: string | undefined;
  /** Resource types a Reference may point to; undefined when any type is allowed. */
  readonly referenceTargets: ReadonlySet<string> | undefined;
  /** For complex fields: where the child elements are defined. */
  readonly childOf: { type: string; path: string } | undefined;
  /** Set on first use by `childStructure`. */
  child: Structure | undefined;
  /** Set on first use by `expansionOf`; null when the value set cannot be expanded locally. */
  expansion: Expansion | null | undefined;
}

/** An element that must be present at least `element.min` times, under any of `keys` (several for a choice). */
export interface Requirement {
  readonly element: ElementDef;
  readonly keys: readonly string[];
}

/** The compiled shape of one kind of JSON object: a type, or a backbone element inside a type. */
export interface Structure {
  /** Value keys (`given`, `valueQuantity`). */
  readonly fields: ReadonlyMap<string, Field>;
  /** Primitive extension companions (`_given` → the `given` field). */
  readonly companions: ReadonlyMap<string, Field>;
  readonly required: readonly Requirement[];
  /** True for a resource's root, where `resourceType` is allowed. */
  readonly isResource: boolean;
}

const BACKBONE_TYPES = new Set(['Element', 'BackboneElement']);
const UNIVERSAL_REFERENCE_TARGETS = new Set(['Resource', 'DomainResource']);

function capitalize(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

function referenceTargets(defs: Definitions, element: ElementDef, type: string): Set<string> | undefined {
  if (type !== 'Reference') return undefined;
  const profiles = element.types.find((t) => t.code === 'Reference')?.targetProfiles;
  if (!profiles || profiles.length === 0) return undefined;
  const targets = new Set<string>();
  for (const profile of profiles) {
    const name = profile.slice(profile.lastIndexOf('/') + 1);
    // A target that is abstract or not a base resource (a profile) cannot be checked from the reference text.
    if (UNIVERSAL_REFERENCE_TARGETS.has(name) || !defs.isResourceType(name)) return undefined;
    targets.add(name);
  }
  return targets;
}

const BINDABLE_TYPES = new Set(['code', 'Coding', 'CodeableConcept']);

/**
 * Element ids, extension URLs and narrative xhtml are XML attributes or markup, so their JSON form has no
 * `_x` companion; a resource's own id is an element and has one.
 */
function hasCompanion(owner: string, element: ElementDef, type: string, isResourceRoot: boolean): boolean {
  if (type === 'xhtml') return false;
  if (element.name === 'id' && !isResourceRoot) return false;
  return !(owner === 'Extension' && element.path === 'Extension.url');
}

function makeField(
  defs: Definitions,
  owner: string,
  element: ElementDef,
  key: string,
  type: string,
  isResourceRoot: boolean,
): Field {
  const ownerType = defs.types.get(owner);
  const typeDef = defs.types.get(type);
  const primitive = primitiveSpecs().get(type);
  let kind: FieldKind;
  let childOf: Field['childOf'];
  if (element.contentReference) {
    kind = 'complex';
    childOf = { type: owner, path: element.contentReference };
  } else if (primitive) {
    kind = 'primitive';
  } else if (typeDef?.kind === 'resource') {
    kind = 'resource';
  } else if (BACKBONE_TYPES.has(type) && ownerType?.children.has(element.path)) {
    kind = 'complex';
    childOf = { type: owner, path: element.path };
  } else {
    kind = 'complex';
    childOf = { type, path: type };
  }
  const binding = element.binding;
  return {
    key,
    element,
    type,
    kind,
    isArray: element.max > 1,
    primitive,
    companionKey: primitive && hasCompanion(owner, element, type, isResourceRoot) ? `_${key}` : undefined,
    requiredValueSet:
      binding?.strength === 'required' && BINDABLE_TYPES.has(type) ? binding.valueSet : undefined,
    referenceTargets: referenceTargets(defs, element, type),
    childOf,
    child: undefined,
    expansion: undefined,
  };
}

function compile(defs: Definitions, owner: string, path: string): Structure {
  const elements = defs.childrenOf(owner, path) ?? [];
  const isResource = path === owner && defs.types.get(owner)?.kind === 'resource';
  const fields = new Map<string, Field>();
  const companions = new Map<string, Field>();
  const required: Requirement[] = [];
  for (const element of elements) {
    const keys: string[] = [];
    const add = (key: string, type: string): void => {
      const field = makeField(defs, owner, element, key, type, isResource);
      fields.set(key, field);
      keys.push(key);
      if (field.companionKey !== undefined) {
        companions.set(field.companionKey, field);
        keys.push(field.companionKey);
      }
    };
    if (element.isChoice) {
      for (const t of element.types) add(element.name + capitalize(t.code), t.code);
    } else {
      // Resource ids are FHIR `id`s; the snapshot types them as System.String.
      const type = isResource && element.name === 'id' ? 'id' : (element.types[0]?.code ?? 'Element');
      add(element.name, type);
    }
    if (element.min > 0) required.push({ element, keys });
  }
  return { fields, companions, required, isResource };
}

const structures = new Map<string, Structure>();

/** The compiled structure of `path` inside `type` (`path` = `type` for the type itself), cached. */
export function structureOf(type: string, path: string = type): Structure {
  const cacheKey = `${type} ${path}`;
  let structure = structures.get(cacheKey);
  if (!structure) {
    structure = compile(definitions(), type, path);
    structures.set(cacheKey, structure);
  }
  return structure;
}

export function childStructure(field: Field): Structure {
  if (field.child) return field.child;
  const at = field.childOf ?? { type: field.type, path: field.type };
  field.child = structureOf(at.type, at.path);
  return field.child;
}

/** What a primitive's `_x` companion may carry: the Element part of the primitive (id, extension). */
export function primitiveElementStructure(): Structure {
  return structureOf('Element');
}

/** The expansion of the field's required value set, or undefined when there is none to check against. */
export function expansionOf(field: Field): Expansion | undefined {
  if (field.expansion === undefined) {
    field.expansion = field.requiredValueSet === undefined ? null : (expand(field.requiredValueSet) ?? null);
  }
  return field.expansion ?? undefined;
}
