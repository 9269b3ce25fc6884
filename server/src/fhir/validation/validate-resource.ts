import { definitions } from '../definitions/index.js';
import type { ElementDef } from '../definitions/index.js';
import type { Issue } from '../../platform/http/operation-outcome.js';
import { childStructure, expansionOf, primitiveElementStructure, structureOf } from './element-structure.js';
import type { Field, Structure } from './element-structure.js';
import { parseReference } from './reference-format.js';
import { ValidationWalk } from './validation-walk.js';

export interface ValidateOptions {
  /** The type the request addresses (`/Patient`); a different `resourceType` is reported. */
  resourceType?: string;
}

type JsonObject = Record<string, unknown>;

/** Unknown keys are user input: only plain names are echoed into expressions, never arbitrary text. */
const PRINTABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(object: JsonObject): boolean {
  for (const _ in object) return false;
  return true;
}

/**
 * Validates a FHIR R4 JSON resource against the base StructureDefinitions: elements, JSON kinds,
 * cardinality, primitive formats, required bindings and references (see README.md). Returns every issue
 * found; an empty list means valid. Diagnostics never contain submitted values.
 */
export function validateResource(resource: unknown, options: ValidateOptions = {}): Issue[] {
  const walk = new ValidationWalk();
  if (!isObject(resource)) {
    walk.push(options.resourceType ?? 'Resource');
    walk.report('structure', 'A resource must be a JSON object');
    return walk.issues;
  }
  checkResource(walk, resource, options.resourceType, true, false);
  return walk.issues;
}

function containedIds(resource: JsonObject): Set<string> | undefined {
  const contained = resource.contained;
  if (!Array.isArray(contained)) return undefined;
  const ids = new Set<string>();
  for (const item of contained) if (isObject(item) && typeof item.id === 'string') ids.add(item.id);
  return ids;
}

function checkResource(
  walk: ValidationWalk,
  resource: JsonObject,
  expected: string | undefined,
  isRoot: boolean,
  isContained: boolean,
): void {
  const type = resource.resourceType;
  if (typeof type !== 'string' || !definitions().isResourceType(type)) {
    if (isRoot) walk.push(expected ?? 'Resource');
    if (type === undefined) walk.report('required', 'resourceType is missing', 'resourceType');
    else walk.report('invalid', 'resourceType is not a known concrete resource type', 'resourceType');
    if (isRoot) walk.pop();
    return;
  }
  if (isRoot) walk.push(type);
  if (expected !== undefined && type !== expected) {
    walk.report('invalid', `resourceType must be ${expected} for this request`, 'resourceType');
  }
  if (isContained && resource.contained !== undefined) {
    walk.report('invalid', 'A contained resource must not contain resources', 'contained');
  }
  // Contained resources resolve `#id` against their container's list, so only other resources start a scope.
  const outerIds = walk.localIds;
  if (!isContained) walk.localIds = containedIds(resource);
  checkObject(walk, resource, structureOf(type));
  walk.localIds = outerIds;
  if (isRoot) walk.pop();
}

function checkObject(walk: ValidationWalk, object: JsonObject, structure: Structure): void {
  if (walk.tooDeep) {
    walk.report('too-costly', 'Elements are nested too deeply to validate');
    return;
  }
  // Choice elements seen in this object; most objects have at most one, so the array is rarely needed.
  let firstChoice: ElementDef | undefined;
  let otherChoices: ElementDef[] | undefined;
  for (const key in object) {
    const value = object[key];
    const field = structure.fields.get(key);
    if (field !== undefined) {
      const element = field.element;
      if (element.isChoice) {
        if (firstChoice === undefined) firstChoice = element;
        else if (firstChoice === element || otherChoices?.includes(element)) {
          walk.report('structure', `Only one type is allowed for ${element.name}[x]`, key);
        } else (otherChoices ??= []).push(element);
      }
      walk.push(key);
      checkField(
        walk,
        field,
        value,
        field.companionKey === undefined ? undefined : object[field.companionKey],
      );
      walk.pop();
      continue;
    }
    const primitive = structure.companions.get(key);
    if (primitive !== undefined) {
      walk.push(key);
      checkCompanion(walk, primitive, value, object[primitive.key]);
      walk.pop();
      continue;
    }
    if (key === 'resourceType' && structure.isResource) continue;
    if (PRINTABLE_KEY.test(key)) walk.report('structure', 'Unknown element', key);
    else walk.report('structure', 'Unknown element with a name that is not a valid element name');
  }
  for (const requirement of structure.required) {
    let present = false;
    for (const key of requirement.keys) if (object[key] !== undefined) present = true;
    if (!present) {
      const name = requirement.element.name + (requirement.element.isChoice ? '[x]' : '');
      walk.report('required', `${name} is required (minimum cardinality ${requirement.element.min})`, name);
    }
  }
}

function checkField(walk: ValidationWalk, field: Field, value: unknown, companion: unknown): void {
  if (!field.isArray) {
    if (Array.isArray(value)) walk.report('structure', `${field.key} must be a single value, not an array`);
    else if (value === null) walk.report('structure', `${field.key} must not be null`);
    else checkValue(walk, field, value);
    return;
  }
  if (!Array.isArray(value)) {
    walk.report('structure', `${field.key} must be an array`);
    return;
  }
  if (value.length === 0) walk.report('structure', `${field.key} must not be an empty array`);
  else if (value.length > field.element.max) {
    walk.report('structure', `${field.key} allows at most ${field.element.max} values`);
  }
  const extensions = Array.isArray(companion) ? companion : undefined;
  for (let i = 0; i < value.length; i++) {
    walk.at(i);
    const item: unknown = value[i];
    if (item !== null) checkValue(walk, field, item);
    else if (field.kind !== 'primitive') walk.report('structure', `${field.key} must not contain null`);
    else if (!isObject(extensions?.[i])) {
      walk.report(
        'structure',
        `A null in ${field.key} needs extensions at the same index of ${field.companionKey}`,
      );
    }
  }
  walk.at(-1);
}

function checkValue(walk: ValidationWalk, field: Field, value: unknown): void {
  if (field.kind === 'primitive') {
    const spec = field.primitive;
    if (spec === undefined) return;
    if (typeof value !== spec.json) {
      walk.report('structure', `${field.key} must be a JSON ${spec.json} (FHIR ${spec.type})`);
      return;
    }
    const problem = spec.check(value as string | number | boolean);
    if (problem !== undefined) walk.report('value', `${field.key} ${problem}`);
    else if (field.requiredValueSet !== undefined) checkCode(walk, field, value as string);
    return;
  }
  if (!isObject(value)) {
    walk.report('structure', `${field.key} must be a JSON object (FHIR ${field.type})`);
    return;
  }
  if (field.kind === 'resource') {
    checkResource(walk, value, undefined, false, field.key === 'contained');
    return;
  }
  if (isEmpty(value)) {
    walk.report('structure', `${field.key} must not be an empty object`);
    return;
  }
  checkObject(walk, value, childStructure(field));
  if (field.type === 'Reference') checkReference(walk, field, value);
  else if (field.requiredValueSet !== undefined) checkCodings(walk, field, value);
}

function checkCompanion(walk: ValidationWalk, field: Field, companion: unknown, value: unknown): void {
  const key = field.companionKey ?? field.key;
  if (!field.isArray) {
    if (!isObject(companion)) walk.report('structure', `${key} must be a JSON object`);
    else if (isEmpty(companion)) walk.report('structure', `${key} must not be an empty object`);
    else checkObject(walk, companion, primitiveElementStructure());
    return;
  }
  if (!Array.isArray(companion)) {
    walk.report('structure', `${key} must be an array`);
    return;
  }
  if (companion.length === 0) walk.report('structure', `${key} must not be an empty array`);
  const values = Array.isArray(value) ? value : undefined;
  if (values !== undefined && values.length !== companion.length) {
    walk.report('structure', `${key} must have as many entries as ${field.key}`);
  }
  for (let i = 0; i < companion.length; i++) {
    walk.at(i);
    const item: unknown = companion[i];
    if (item === null) {
      if (values === undefined || values[i] === null || values[i] === undefined) {
        walk.report('structure', `A null in ${key} needs a value at the same index of ${field.key}`);
      }
    } else if (!isObject(item)) walk.report('structure', `${key} entries must be JSON objects`);
    else if (isEmpty(item)) walk.report('structure', `${key} entries must not be empty objects`);
    else checkObject(walk, item, primitiveElementStructure());
  }
  walk.at(-1);
}

function checkCode(walk: ValidationWalk, field: Field, code: string): void {
  const expansion = expansionOf(field);
  if (expansion !== undefined && !expansion.codes.has(code)) {
    walk.report(
      'code-invalid',
      `${field.key} is not a code of the required value set ${field.requiredValueSet}`,
    );
  }
}

/** Codings whose system the required value set draws from must use one of its codes. */
function checkCoding(walk: ValidationWalk, field: Field, coding: JsonObject): void {
  const { system, code } = coding;
  if (typeof system !== 'string' || typeof code !== 'string') return;
  const codes = expansionOf(field)?.bySystem.get(system);
  if (codes !== undefined && !codes.has(code)) {
    walk.report('code-invalid', `code is not in the required value set ${field.requiredValueSet}`, 'code');
  }
}

function checkCodings(walk: ValidationWalk, field: Field, value: JsonObject): void {
  if (field.type === 'Coding') {
    checkCoding(walk, field, value);
    return;
  }
  const codings = value.coding;
  if (!Array.isArray(codings)) return;
  walk.push('coding');
  for (let i = 0; i < codings.length; i++) {
    const coding: unknown = codings[i];
    if (!isObject(coding)) continue;
    walk.at(i);
    checkCoding(walk, field, coding);
  }
  walk.pop();
}

function checkReference(walk: ValidationWalk, field: Field, value: JsonObject): void {
  const reference = value.reference;
  if (typeof reference !== 'string' || reference.trim() === '') return;
  const parsed = parseReference(reference);
  switch (parsed.form) {
    case 'invalid':
      walk.report('value', `reference ${parsed.reason}`, 'reference');
      return;
    case 'local':
      if (parsed.id !== '' && !walk.localIds?.has(parsed.id)) {
        walk.report('invalid', 'reference does not resolve to a contained resource', 'reference');
      }
      return;
    case 'relative':
      if (field.referenceTargets !== undefined && !field.referenceTargets.has(parsed.type)) {
        walk.report(
          'invalid',
          `reference to a ${parsed.type} is not allowed here (allowed: ${[...field.referenceTargets].join(', ')})`,
          'reference',
        );
      }
      return;
    case 'absolute':
      return;
  }
}
