/** `Type/id`, optionally versioned, at the end of a relative or absolute reference. */
const TYPED_REFERENCE =
  /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * The resource type `resolve()` would yield for a reference string, decided without fetching:
 * `Patient/1`, `http://any/base/Patient/1` and `Patient/1/_history/2` are Patients; `#id` is the type
 * of the contained resource with that id. Anything else (`urn:uuid:`, `urn:oid:`, a bare id, a
 * dangling `#id`) is unresolvable, which is what fhirpath.js yields when its resolver finds nothing:
 * `resolve()` is empty, so `where(resolve() is X)` drops the reference.
 */
export function referenceTargetType(
  reference: string,
  root: unknown,
  isResourceType: (name: string) => boolean,
): string | undefined {
  if (reference.startsWith('#')) return containedType(root, reference.slice(1));
  const m = TYPED_REFERENCE.exec(reference);
  const type = m?.[1];
  return type !== undefined && isResourceType(type) ? type : undefined;
}

function containedType(root: unknown, id: string): string | undefined {
  if (!id || typeof root !== 'object' || root === null) return undefined;
  const contained = (root as { contained?: unknown }).contained;
  if (!Array.isArray(contained)) return undefined;
  for (const r of contained as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    const res = r as { id?: unknown; resourceType?: unknown };
    if (res.id === id && typeof res.resourceType === 'string') return res.resourceType;
  }
  return undefined;
}

/** The reference string carried by a Reference, canonical or uri value. */
export function referenceString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const ref = (value as { reference?: unknown }).reference;
    if (typeof ref === 'string') return ref;
  }
  return undefined;
}
