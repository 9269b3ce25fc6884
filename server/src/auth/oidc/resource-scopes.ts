import { parseScope, type ResourceScope } from '../policy/scopes.js';

/** Whether a scope the client is registered for (`allowed`) covers one it asks for (`wanted`). */
function covers(allowed: ResourceScope, wanted: ResourceScope): boolean {
  if (allowed.context !== wanted.context) return false;
  if (allowed.resourceType !== '*' && allowed.resourceType !== wanted.resourceType) return false;
  for (const i of wanted.interactions) if (!allowed.interactions.has(i)) return false;
  // A registered granular scope only covers the same restriction; an unrestricted one covers any.
  return allowed.query.length === 0 || JSON.stringify(allowed.query) === JSON.stringify(wanted.query);
}

/**
 * The resource (FHIR) scopes among `requested` that a client registered for `registered` may be
 * granted. User-facing clients never get `system/` scopes and backend clients only get `system/` ones.
 */
export function grantableResourceScopes(
  requested: Iterable<string>,
  registered: string,
  kind: 'interactive' | 'backend',
): string[] {
  const allowed = registered
    .split(' ')
    .map(parseScope)
    .filter((s): s is ResourceScope => s !== null);
  const out: string[] = [];
  for (const text of requested) {
    const wanted = parseScope(text);
    if (!wanted) continue;
    if ((wanted.context === 'system') !== (kind === 'backend')) continue;
    if (allowed.some((a) => covers(a, wanted))) out.push(text);
  }
  return out;
}
