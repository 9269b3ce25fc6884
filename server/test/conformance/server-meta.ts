import type { FhirJson } from '../support/server.js';

/**
 * A copy without meta.versionId and meta.lastUpdated (the server owns them); a meta left empty is
 * dropped, so an example whose meta held only those compares equal to its stored form.
 */
export function withoutServerMeta(resource: FhirJson): FhirJson {
  if (!resource || typeof resource !== 'object') return resource;
  const { meta, ...rest } = resource as Record<string, unknown>;
  if (!meta || typeof meta !== 'object') return rest;
  const { versionId: _v, lastUpdated: _l, ...kept } = meta as Record<string, unknown>;
  return Object.keys(kept).length > 0 ? { ...rest, meta: kept } : rest;
}
