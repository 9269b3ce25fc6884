import { definitions } from '../definitions/index.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;

/** How a `Reference.reference` string is written; `type` is set for relative and conditional references. */
export type ParsedReference =
  | { form: 'local'; id: string }
  | { form: 'absolute' }
  | { form: 'relative'; type: string }
  | { form: 'invalid'; reason: string };

const INVALID: ParsedReference = { form: 'invalid', reason: 'is not a valid reference' };
const ABSOLUTE: ParsedReference = { form: 'absolute' };

function relative(type: string): ParsedReference {
  return definitions().isResourceType(type)
    ? { form: 'relative', type }
    : { form: 'invalid', reason: 'does not name a known resource type' };
}

/**
 * Parses a reference: `#id` (contained; `#` alone is the container), `Type/id[/_history/vid]`,
 * `Type?search` (a conditional reference, resolved by the transaction processor), an absolute http(s) URL,
 * `urn:uuid:` or `urn:oid:`.
 */
export function parseReference(reference: string): ParsedReference {
  if (reference.startsWith('#')) return { form: 'local', id: reference.slice(1) };
  if (reference.startsWith('http://') || reference.startsWith('https://')) return ABSOLUTE;
  if (reference.startsWith('urn:uuid:')) return UUID.test(reference) ? ABSOLUTE : INVALID;
  if (reference.startsWith('urn:oid:')) return OID.test(reference) ? ABSOLUTE : INVALID;
  const query = reference.indexOf('?');
  if (query > 0) return relative(reference.slice(0, query));
  const parts = reference.split('/');
  const [type, id, history, version] = parts;
  if (type === undefined || id === undefined || !ID.test(id)) return INVALID;
  if (parts.length === 2) return relative(type);
  if (parts.length === 4 && history === '_history' && version !== undefined && ID.test(version))
    return relative(type);
  return INVALID;
}
