import { definitions } from '../definitions/index.js';
import { childStructure, expansionOf, structureOf } from './element-structure.js';
import type { Structure } from './element-structure.js';

/**
 * Compiles every structure and expands every required value set now, so that the first requests after
 * start-up do not pay for it (a few hundred milliseconds, mostly reading value sets from the package).
 */
export function warmUpValidator(): void {
  const seen = new Set<Structure>();
  const pending: Structure[] = definitions().resourceTypes.map((type) => structureOf(type));
  for (let structure = pending.pop(); structure !== undefined; structure = pending.pop()) {
    if (seen.has(structure)) continue;
    seen.add(structure);
    for (const field of structure.fields.values()) {
      if (field.kind === 'complex') pending.push(childStructure(field));
      expansionOf(field);
    }
  }
}
