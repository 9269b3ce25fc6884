import { readPackageJson } from './package-files.js';

interface CompartmentDefinitionJson {
  resource: { code: string; param?: string[] }[];
}

let patientCompartment: ReadonlyMap<string, readonly string[]> | undefined;

/**
 * The R4 Patient compartment (CompartmentDefinition-patient): for each resource type in it, the
 * search parameters whose Patient reference puts a resource in that patient's compartment
 * (Observation: subject, performer). The Patient resource itself is in its own compartment.
 * This is what "a patient's record" means to the access policy.
 */
export function patientCompartmentParams(): ReadonlyMap<string, readonly string[]> {
  if (!patientCompartment) {
    const def = readPackageJson<CompartmentDefinitionJson>('CompartmentDefinition-patient.json');
    patientCompartment = new Map(
      def.resource.filter((r) => r.param && r.param.length > 0).map((r) => [r.code, r.param ?? []]),
    );
  }
  return patientCompartment;
}
