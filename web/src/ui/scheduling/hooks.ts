import { useMemo } from 'react';
import type { FhirClient, FhirResource } from '../../api/fhir-client.js';
import { displayName, type HumanName } from '../../api/fhir-text.js';
import { Scheduling } from '../../api/scheduling.js';
import { useQuery, type QueryState } from '../../api/use-query.js';
import { useAuth } from '../../auth/AuthProvider.js';

/** The scheduling API over the signed-in user's FHIR client. */
export function useScheduling(): Scheduling {
  const { fhir } = useAuth();
  return useMemo(() => new Scheduling(fhir), [fhir]);
}

interface RelatedPerson extends FhirResource {
  name?: HumanName[];
  patient?: { reference?: string };
}

/** Whose visits the portal shows: the patient themself, or the patient a caregiver's record names. */
export interface ActingFor {
  patientId: string;
  /** The caregiver's first name when a caregiver acts for the patient. */
  caregiver?: string;
}

export function useActingFor(): QueryState<ActingFor | null> {
  const { fhir, tokens } = useAuth();
  const [type, id = ''] = (tokens?.fhirUser ?? '').split('/');
  return useQuery(`acting/${type}/${id}`, async () => {
    if (type === 'Patient' && id) return { patientId: id };
    if (type !== 'RelatedPerson' || !id) return null;
    const rp = await fhir.read<RelatedPerson>(`RelatedPerson/${id}`);
    const [refType, patientId] = (rp.patient?.reference ?? '').split('/');
    if (refType !== 'Patient' || !patientId) return null;
    const name = rp.name?.[0]?.given?.[0] ?? displayName(rp.name);
    return { patientId, caregiver: name };
  });
}

interface NamedResource extends FhirResource {
  name?: HumanName[];
}

/** Display names of practitioners or patients by id (one search), for lists of appointments. */
export async function namesOf(
  fhir: FhirClient,
  type: 'Practitioner' | 'Patient',
  ids: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(ids)].filter(Boolean);
  const names = new Map<string, string>();
  if (unique.length === 0) return names;
  const found = await fhir.search<NamedResource>(type, {
    _id: unique.join(','),
    _count: String(unique.length),
  });
  for (const r of found) if (r.id) names.set(r.id, displayName(r.name));
  return names;
}
