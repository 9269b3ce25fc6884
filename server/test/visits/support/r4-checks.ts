import assert from 'node:assert/strict';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';
import { readPackageJson } from '../../../src/fhir/definitions/index.js';
import { validateResource } from '../../../src/fhir/validation/index.js';

/** The repo's R4 validator finds nothing wrong with the resource. */
export function assertValid(resource: { resourceType: string }): void {
  const issues = validateResource(resource, { resourceType: resource.resourceType });
  assert.deepEqual(issues, [], JSON.stringify(issues));
}

interface StructureDefinition {
  snapshot: { element: { path: string; constraint?: { key: string; expression?: string }[] }[] };
}

/**
 * The R4 invariants of the resource's StructureDefinition (que-*, qrs-1, ppc-*, ele-1, dom-*, txt-*),
 * which the repo's validator deliberately leaves out, evaluated with HL7's fhirpath.js on every
 * element they apply to. dom-6 (a narrative is best practice) is a warning the storage handles.
 */
export function assertInvariants(resource: { resourceType: string }): void {
  const type = resource.resourceType;
  const sd = readPackageJson<StructureDefinition>(`StructureDefinition-${type}.json`);
  let checked = 0;
  for (const e of sd.snapshot.element) {
    if (e.path.includes('[x]')) continue;
    for (const c of e.constraint ?? []) {
      if (!c.expression || c.key === 'dom-6') continue;
      // Items nest (Questionnaire.item.item): every level.
      const nodes = e.path.replace(/^(\w+)\.item\b/, '$1.repeat(item)');
      const out = fhirpath.evaluate(resource, `${nodes}.all(${c.expression})`, undefined, r4, {
        traceFn: () => undefined,
      });
      assert.deepEqual(out, [true], `${type} ${c.key} at ${e.path}`);
      checked++;
    }
  }
  assert.ok(checked > 10, 'the invariants were found');
}
