import { NativeSelect } from '@mantine/core';
import type { FhirResource } from '../../api/fhir-client.js';
import { displayName, type HumanName } from '../../api/fhir-text.js';
import { useQuery, type QueryState } from '../../api/use-query.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { useScheduling } from './hooks.js';

export interface Clinician {
  id: string;
  name: string;
}

/**
 * The clinicians whose schedules the clinic keeps: practitioners of the directory that have
 * availability configured (the others are not bookable), by name.
 */
export function useSchedulableClinicians(enabled: boolean): QueryState<Clinician[]> {
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  return useQuery(`schedulable/${enabled}`, async () => {
    if (!enabled) return [];
    const practitioners = await fhir.search<FhirResource & { name?: HumanName[] }>('Practitioner', {
      _count: '200',
    });
    const withHours = await Promise.all(
      practitioners.map((p) =>
        p.id
          ? scheduling.availability(p.id).then(
              () => true,
              () => false,
            )
          : Promise.resolve(false),
      ),
    );
    return practitioners
      .filter((_, i) => withHours[i])
      .map((p) => ({ id: p.id ?? '', name: displayName(p.name) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** Picks the clinician whose schedule a page shows. */
export function ClinicianSelect({
  clinicians,
  value,
  onChange,
}: {
  clinicians: readonly Clinician[];
  value: string;
  onChange(id: string): void;
}) {
  const { t } = useI18n();
  return (
    <NativeSelect
      label={t('sched.clinician')}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      data={clinicians.map((c) => ({ value: c.id, label: c.name }))}
      maw={320}
    />
  );
}
