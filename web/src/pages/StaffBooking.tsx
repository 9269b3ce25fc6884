import { Anchor, Button, Card, Container, Group, Stack, Text, Title } from '@mantine/core';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import type { FhirResource } from '../api/fhir-client.js';
import { displayName, type HumanName, type Identifier } from '../api/fhir-text.js';
import {
  participantId,
  searchFiltersOf,
  staffMayChange,
  visitTypeId,
  type Appointment,
} from '../api/scheduling.js';
import { useQuery } from '../api/use-query.js';
import { appRole, keepsSchedules } from '../auth/app-role.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { formatWhen } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { PatientFinder } from '../ui/PatientFinder.js';
import { BookingFlow, type BookingOutcome } from '../ui/scheduling/BookingFlow.js';
import { useScheduling } from '../ui/scheduling/hooks.js';
import { languageName } from '../ui/scheduling/labels.js';
import { useToast } from '../ui/Toasts.js';

type Patient = FhirResource & {
  name?: HumanName[];
  birthDate?: string;
  identifier?: Identifier[];
} & Parameters<typeof searchFiltersOf>[0];

/** The role staff book as: the first of theirs that books (as the server picks it). */
function staffBooker(roles: readonly string[]): string {
  return ['front-desk', 'clinician', 'nurse'].find((r) => roles.includes(r)) ?? 'front-desk';
}

/** Finding the patient to book for, among the patients one may act for. */
function PatientPicker({ onPick }: { onPick(id: string): void }) {
  const { t } = useI18n();
  return (
    <Stack gap="md">
      <Title order={2} size="h3">
        {t('staffBook.findPatient')}
      </Title>
      <PatientFinder
        formLabel={t('staffBook.findPatient')}
        needCriteria={t('staffBook.needCriteria')}
        none={t('staffBook.none')}
        nameCell={(p) => displayName(p.name)}
        action={{
          key: 'book',
          header: t('sched.actions'),
          cell: (p) => (
            <Button
              size="xs"
              onClick={() => onPick(p.id ?? '')}
              aria-label={t('staffBook.bookFor', { name: displayName(p.name) })}
            >
              {t('staffBook.book')}
            </Button>
          ),
        }}
      />
    </Stack>
  );
}

/** The booking flow for a chosen patient, with their state and language as the patient's own would be. */
function BookFor({ patientId, booker }: { patientId: string; booker: string }) {
  const { t, locale } = useI18n();
  const { fhir } = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const q = useQuery(`staff-book/${patientId}`, () => fhir.read<Patient>(`Patient/${patientId}`));
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const filters = searchFiltersOf(q.data);
  const done = (_a: Appointment | undefined, how: BookingOutcome) => {
    toast(t(`staffBook.done.${how}`));
    void navigate('/schedule');
  };
  return (
    <Stack gap="md">
      <Card withBorder>
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{t('staffBook.bookingFor', { name: displayName(q.data.name) })}</Text>
          <Anchor component={Link} to="/schedule/book">
            {t('staffBook.another')}
          </Anchor>
        </Group>
      </Card>
      <BookingFlow
        patientId={patientId}
        booker={booker}
        filters={filters}
        {...(filters.language ? { languageName: languageName(filters.language, locale) } : {})}
        onDone={done}
      />
    </Stack>
  );
}

/**
 * Moving a visit of the schedule: the patient's state and language as for a booking, then the same
 * flow from the clinician on (the current one, another, or the first available) and a new time.
 */
function MoveVisit({ appointmentId, booker }: { appointmentId: string; booker: string }) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  const toast = useToast();
  const navigate = useNavigate();
  const q = useQuery(`staff-move/${appointmentId}`, async () => {
    const [appointment, types] = await Promise.all([
      fhir.read<Appointment>(`Appointment/${appointmentId}`),
      scheduling.visitTypes(),
    ]);
    const patientId = participantId(appointment, 'Patient');
    const patient = patientId ? await fhir.read<Patient>(`Patient/${patientId}`) : undefined;
    const group = (types.find((vt) => vt.id === visitTypeId(appointment))?.groupCapacity ?? 1) > 1;
    return { appointment, patientId, patient, group };
  });
  const toVisit = `/schedule/visits/${encodeURIComponent(appointmentId)}`;
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const { appointment, patientId, patient, group } = q.data;
  const back = (
    <Anchor component={Link} to={toVisit}>
      {t('staffBook.backToVisit')}
    </Anchor>
  );
  if (!patientId || !patient || group || !staffMayChange(appointment, Date.now()))
    return (
      <Stack gap="md">
        <Text>{t('visit.noChanges')}</Text>
        {back}
      </Stack>
    );
  const filters = searchFiltersOf(patient);
  return (
    <Stack gap="md">
      <Card withBorder>
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>
            {t('staffBook.moving', {
              name: displayName(patient.name),
              when: formatWhen(appointment.start ?? '', locale, timeZone),
            })}
          </Text>
          {back}
        </Group>
      </Card>
      <BookingFlow
        patientId={patientId}
        booker={booker}
        filters={filters}
        {...(filters.language ? { languageName: languageName(filters.language, locale) } : {})}
        reschedule={appointment}
        onDone={() => {
          toast(t('staffBook.done.moved'));
          void navigate(toVisit);
        }}
      />
    </Stack>
  );
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Staff booking for a patient (`/schedule/book`): find the patient, then the same booking flow;
 * `?reschedule=ID` moves that visit instead.
 */
export default function StaffBooking() {
  const { t } = useI18n();
  const { tokens } = useAuth();
  const [params, setParams] = useSearchParams();
  if (!tokens) return <ToSignIn />;
  if (!keepsSchedules(appRole(tokens))) return <Navigate to="/appointments/book" replace />;
  const patient = params.get('patient');
  const moving = params.get('reschedule');
  if (moving && ID.test(moving))
    return (
      <PageLayout>
        <Container size="md" py="md">
          <Stack gap="lg">
            <PageHeading title={t('staffBook.moveTitle')} lead={t('staffBook.moveLead')} />
            <MoveVisit key={moving} appointmentId={moving} booker={staffBooker(tokens.roles)} />
          </Stack>
        </Container>
      </PageLayout>
    );
  return (
    <PageLayout>
      <Container size="md" py="md">
        <Stack gap="lg">
          <PageHeading title={t('staffBook.title')} lead={t('staffBook.lead')} />
          {patient && ID.test(patient) ? (
            <BookFor key={patient} patientId={patient} booker={staffBooker(tokens.roles)} />
          ) : (
            <PatientPicker onPick={(id) => setParams({ patient: id })} />
          )}
        </Stack>
      </Container>
    </PageLayout>
  );
}
