/** A FHIR resource as the demo data holds it: any JSON, with its type. */
export type DemoResource = { resourceType: string } & Record<string, unknown>;

/** One entry of a demo transaction Bundle: a create, references between entries by `urn:uuid`. */
export interface DemoEntry {
  fullUrl: string;
  resource: DemoResource;
  request: { method: 'POST'; url: string; ifNoneExist?: string };
}

export interface DemoBundle {
  resourceType: 'Bundle';
  type: 'transaction';
  entry: DemoEntry[];
}
