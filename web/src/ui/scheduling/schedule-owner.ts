import { useSearchParams } from 'react-router';
import { appRole } from '../../auth/app-role.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { useSchedulableClinicians, type Clinician } from './ClinicianSelect.js';

/**
 * Whose schedule a staff page shows: `?practitioner=` when given, else a clinician's own; the
 * front desk (no Practitioner of their own) picks from the clinicians with hours, the first by default.
 */
export function useScheduleOwner(): {
  practitioner: string | undefined;
  /** The clinicians to pick from (front desk), empty for a clinician looking at their own. */
  clinicians: Clinician[];
  loading: boolean;
  error: unknown;
  retry(): void;
  choose(id: string): void;
} {
  const { tokens } = useAuth();
  const [params, setParams] = useSearchParams();
  const role = tokens ? appRole(tokens) : 'staff';
  const own = role === 'practitioner' ? tokens?.fhirUser?.split('/')[1] : undefined;
  const list = useSchedulableClinicians(role === 'front-desk');
  const named = params.get('practitioner') ?? undefined;
  const practitioner = named ?? own ?? list.data?.[0]?.id;
  return {
    practitioner,
    clinicians: list.data ?? [],
    loading: list.loading && !list.data,
    error: list.error,
    retry: list.retry,
    choose(id) {
      const next = new URLSearchParams(params);
      next.set('practitioner', id);
      setParams(next, { replace: true });
    },
  };
}
