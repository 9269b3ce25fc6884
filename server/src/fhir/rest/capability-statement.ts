import type { Definitions, SearchParamDef } from '../definitions/index.js';
import type { IndexedType, Indexer, ParamPlan } from '../search/indexer/index.js';

/**
 * Search parameters the server evaluates: _id and _lastUpdated (resource columns), and every
 * parameter whose expression reaches a value the indexer can turn into rows (so, for example,
 * Bundle's `composition`, whose target is an inline resource, is not claimed).
 */
export function supportedSearchParams(defs: Definitions, indexer: Indexer, type: string): SearchParamDef[] {
  const params = defs.searchParams.get(type);
  if (!params) return [];
  const plans = new Map(indexer.plan(type).map((p) => [p.code, p]));
  return [...params.values()].filter((p) => {
    if (p.code === '_id' || p.code === '_lastUpdated') return true;
    const plan = plans.get(p.code);
    return plan !== undefined && indexable(indexer, plan);
  });
}

function converts(indexer: Indexer, type: string, outputs: readonly { type: string }[]): boolean {
  if (type === 'composite' || type === 'special') return false;
  return outputs.some((o) => indexer.converter(type as IndexedType, o.type) !== undefined);
}

function indexable(indexer: Indexer, plan: ParamPlan): boolean {
  if (plan.type === 'composite') {
    return (
      plan.components.length > 0 && plan.components.every((c) => converts(indexer, c.type, c.path.outputs))
    );
  }
  return converts(indexer, plan.type, plan.path.outputs);
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
  indexer: Indexer,
  fhirBaseUrl: string,
  software: { name: string; version: string },
  /** `rest.security` (how to get a token: SMART's OAuth endpoints), when the API requires one. */
  security?: object,
): object {
  const supported = new Map(defs.resourceTypes.map((t) => [t, supportedSearchParams(defs, indexer, t)]));
  const resources = defs.resourceTypes.map((type) => {
    const params = supported.get(type) ?? [];
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
      searchRevInclude: revIncludes(supported, type),
      searchParam: params.map((p) => ({
        name: p.code,
        definition: p.url,
        type: p.type,
      })),
      ...(type === 'Patient'
        ? {
            operation: [
              {
                name: 'everything',
                definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
              },
            ],
          }
        : {}),
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
        ...(security ? { security } : {}),
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
function revIncludes(supported: Map<string, SearchParamDef[]>, type: string): string[] {
  const out: string[] = [];
  for (const [source, params] of supported) {
    for (const p of params) {
      if (p.type === 'reference' && (p.target.length === 0 || p.target.includes(type)))
        out.push(`${source}:${p.code}`);
    }
  }
  return out;
}
