/**
 * Where a value sits in the FHIR element model. `type` is the FHIR type code of the value
 * (`HumanName`, `string`, `Patient`, or `BackboneElement`/`Element` for inline structures);
 * `typeName` and `path` locate its children for Definitions.childrenOf, so a backbone element
 * (`Observation.component`) keeps the path it was declared at.
 */
export interface ElementContext {
  readonly type: string;
  readonly typeName: string;
  readonly path: string;
}

/** One evaluation result: the JSON value and the element it came from. */
export interface FhirNode {
  readonly value: unknown;
  readonly ctx: ElementContext;
}
