import { Container, Stack } from '@mantine/core';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import type { FhirResource } from '../api/fhir-client.js';
import { searchFiltersOf, type Appointment } from '../api/scheduling.js';
import { useQuery } from '../api/use-query.js';
import { appRole, booksOwnVisits } from '../auth/app-role.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { formatWhen } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { BookingFlow, type BookingOutcome } from '../ui/scheduling/BookingFlow.js';
import { ForActingPatient } from '../ui/scheduling/ForActingPatient.js';
import type { ActingFor } from '../ui/scheduling/hooks.js';
import { useToast } from '../ui/Toasts.js';
import { languageName } from '../ui/scheduling/labels.js';

type PatientResource = FhirResource & Parameters<typeof searchFiltersOf>[0];

/** The booking flow for the patient (or caregiver); `?reschedule=ID` moves that visit instead. */
function Book({ acting, booker }: { acting: ActingFor; booker: string }) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const moving = params.get('reschedule');
  const q = useQuery(`book/${acting.patientId}/${moving ?? ''}`, async () => {
    const [patient, appointment] = await Promise.all([
      fhir.read<PatientResource>(`Patient/${acting.patientId}`),
      moving ? fhir.read<Appointment>(`Appointment/${moving}`) : Promise.resolve(undefined),
    ]);
    return { filters: searchFiltersOf(patient), appointment };
  });
  const done = (_a: Appointment | undefined, how: BookingOutcome) => {
    toast(t(`book.done.${how}`));
    void navigate('/appointments');
  };
  const title = moving ? t('book.moveTitle') : t('book.title');
  const lead =
    moving && q.data?.appointment?.start
      ? t('book.moveLead', { when: formatWhen(q.data.appointment.start, locale, timeZone) })
      : acting.caregiver
        ? t('book.caregiverLead')
        : t('book.lead');
  return (
    <Stack gap="lg">
      <PageHeading title={title} lead={lead} />
      {q.loading && !q.data ? (
        <Loading label={t('app.loading')} />
      ) : q.error || !q.data ? (
        <ErrorState error={q.error} onRetry={q.retry} />
      ) : (
        <BookingFlow
          patientId={acting.patientId}
          booker={booker}
          filters={q.data.filters}
          {...(q.data.filters.language
            ? { languageName: languageName(q.data.filters.language, locale) }
            : {})}
          {...(q.data.appointment ? { reschedule: q.data.appointment } : {})}
          onDone={done}
        />
      )}
    </Stack>
  );
}

/** Booking a visit (`/appointments/book`), for patients and caregivers; staff book from the schedule. */
export default function BookAppointment() {
  const { tokens } = useAuth();
  if (!tokens) return <ToSignIn />;
  const role = appRole(tokens);
  if (!booksOwnVisits(role)) return <Navigate to="/schedule/book" replace />;
  return (
    <PageLayout>
      <Container size="md" py="md">
        <ForActingPatient>{(acting) => <Book acting={acting} booker={role} />}</ForActingPatient>
      </Container>
    </PageLayout>
  );
}
