import type { Definitions, SearchParamDef } from '../definitions/index.js';

/** Search parameters the server evaluates: everything with an expression, plus _id and _lastUpdated. */
export function supportedSearchParams(defs: Definitions, type: string): SearchParamDef[] {
  const params = defs.searchParams.get(type);
  if (!params) return [];
  return [...params.values()].filter(
    (p) =>
      p.code === '_id' || p.code === '_lastUpdated' || (p.type !== 'special' && p.expression !== undefined),
  );
}

const TYPE_INTERACTIONS = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
];

/** The CapabilityStatement at /metadata: exactly the interactions and search parameters implemented. */
export function capabilityStatement(
  defs: Definitions,
  fhirBaseUrl: string,
  software: { name: string; version: string },
): object {
  const resources = defs.resourceTypes.map((type) => {
    const params = supportedSearchParams(defs, type);
    const refs = params.filter((p) => p.type === 'reference');
    return {
      type,
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction: TYPE_INTERACTIONS.map((code) => ({ code })),
      versioning: 'versioned',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalRead: 'full-support',
      conditionalUpdate: true,
      conditionalDelete: 'single',
      referencePolicy: ['literal', 'local'],
      searchInclude: ['*', ...refs.map((p) => `${type}:${p.code}`)],
      searchRevInclude: revIncludes(defs, type),
      searchParam: params.map((p) => ({
        name: p.code,
        definition: p.url,
        type: p.type,
      })),
    };
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'OpenVisit',
    kind: 'instance',
    software,
    implementation: { description: 'OpenVisit FHIR R4 server', url: fhirBaseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        resource: resources,
        interaction: [
          { code: 'transaction' },
          { code: 'batch' },
          { code: 'search-system' },
          { code: 'history-system' },
        ],
        searchParam: [
          { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
          {
            name: '_lastUpdated',
            type: 'date',
            definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
          },
          { name: '_tag', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-tag' },
          {
            name: '_profile',
            type: 'uri',
            definition: 'http://hl7.org/fhir/SearchParameter/Resource-profile',
          },
          {
            name: '_security',
            type: 'token',
            definition: 'http://hl7.org/fhir/SearchParameter/Resource-security',
          },
          { name: '_source', type: 'uri', definition: 'http://hl7.org/fhir/SearchParameter/Resource-source' },
        ],
      },
    ],
  };
}

/** `Source:param` for every reference parameter of another type that may point at `type`. */
function revIncludes(defs: Definitions, type: string): string[] {
  const out: string[] = [];
  for (const source of defs.resourceTypes) {
    for (const p of supportedSearchParams(defs, source)) {
      if (p.type === 'reference' && (p.target.length === 0 || p.target.includes(type)))
        out.push(`${source}:${p.code}`);
    }
  }
  return out;
}
