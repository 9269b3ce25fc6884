import { patientCompartmentParams } from '../../fhir/definitions/compartments.js';
import type { Indexer } from '../../fhir/search/indexer/index.js';

/**
 * Whose record a resource belongs to: the Patient itself, or the patients a compartment type refers
 * to through its compartment parameters (Observation: subject, performer). Empty for resources that
 * are no one's record (Practitioner, Medication).
 */
export class PatientsOf {
  private readonly codes = new Map<string, ReadonlySet<string>>();

  constructor(private readonly indexer: Indexer) {
    for (const [type, params] of patientCompartmentParams()) this.codes.set(type, new Set(params));
  }

  /** Is `type` part of patients' records (so its access is bounded by compartments)? */
  isRecordType(type: string): boolean {
    return type === 'Patient' || this.codes.has(type);
  }

  /** Patient ids of the resource. */
  of(resource: Record<string, unknown>): string[] {
    const type = resource.resourceType;
    if (type === 'Patient') return typeof resource.id === 'string' ? [resource.id] : [];
    const codes = typeof type === 'string' ? this.codes.get(type) : undefined;
    if (!codes) return [];
    const ids = new Set<string>();
    for (const r of this.indexer.references(resource, codes))
      if (r.targetType === 'Patient' && r.targetId) ids.add(r.targetId);
    return [...ids];
  }
}
