/** The parts of an R4 StructureDefinition snapshot element that OpenVisit uses. */
export interface ElementType {
  /** FHIR type code (`string`, `HumanName`, `Reference`…); FHIRPath system types are mapped to FHIR ones. */
  code: string;
  targetProfiles?: string[];
  profiles?: string[];
}

export interface ElementBinding {
  strength: 'required' | 'extensible' | 'preferred' | 'example';
  valueSet?: string;
}

export interface ElementDef {
  /** Full path as in the snapshot: `Patient.contact.name`, `Observation.value[x]`. */
  path: string;
  /** Last path segment without `[x]`: `name`, `value`. */
  name: string;
  min: number;
  /** Maximum cardinality; `Infinity` for `*`. */
  max: number;
  types: ElementType[];
  isChoice: boolean;
  isSummary: boolean;
  isModifier: boolean;
  binding?: ElementBinding;
  /** For recursive elements (Questionnaire.item.item): the path whose children apply here. */
  contentReference?: string;
  /** Regex the primitive's value must match, when this element is a primitive's `value`. */
  regex?: string;
}

export type TypeKind = 'primitive-type' | 'complex-type' | 'resource' | 'logical';

export interface TypeDef {
  name: string;
  kind: TypeKind;
  abstract: boolean;
  /** Name of the base type (`DomainResource`, `Element`…), absent for Base/Element/Resource roots. */
  base?: string;
  url: string;
  /** Every snapshot element by full path (the root element included). */
  elements: Map<string, ElementDef>;
  /** Direct children of each path: `children.get('Patient.contact')` lists contact's elements. */
  children: Map<string, ElementDef[]>;
}

export type SearchParamType =
  'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface SearchParamComponent {
  /** Canonical URL of the component's SearchParameter. */
  definition: string;
  /** FHIRPath relative to the composite's element. */
  expression: string;
}

/** One search parameter as it applies to one resource type. */
export interface SearchParamDef {
  url: string;
  code: string;
  resourceType: string;
  type: SearchParamType;
  /** The FHIRPath expression restricted to this resource type (union parts of other types dropped). */
  expression: string | undefined;
  /** The expression as published, for capability statements and diagnostics. */
  fullExpression: string | undefined;
  target: string[];
  modifiers: string[];
  comparators: string[];
  multipleOr: boolean;
  multipleAnd: boolean;
  chain: string[];
  component: SearchParamComponent[];
  description: string;
}
