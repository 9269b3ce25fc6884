import { Button, Container, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, Navigate } from 'react-router';
import { participantId } from '../api/scheduling.js';
import { useQuery } from '../api/use-query.js';
import { appRole, booksOwnVisits } from '../auth/app-role.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { AppointmentCard, OfferCard, WaitlistCard } from '../ui/scheduling/AppointmentCard.js';
import { ForActingPatient } from '../ui/scheduling/ForActingPatient.js';
import { useScheduling, type ActingFor } from '../ui/scheduling/hooks.js';
import { loadPatientAppointments } from '../ui/scheduling/load.js';

/** A patient's (or their caregiver's) appointments: offers, upcoming visits, the waitlist, the past. */
function AppointmentsOf({ acting }: { acting: ActingFor }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  const [version, setVersion] = useState(0);
  const [showPast, setShowPast] = useState(false);
  const { patientId } = acting;
  const q = useQuery(`appointments/${patientId}/${version}`, () =>
    loadPatientAppointments(fhir, scheduling, patientId),
  );
  const refresh = () => setVersion((v) => v + 1);
  const heading = (
    <Group justify="space-between" align="flex-end" wrap="wrap">
      <PageHeading
        title={t('appts.title')}
        lead={acting.caregiver ? t('appts.caregiverLead') : t('appts.lead')}
      />
      <Button component={Link} to="/appointments/book">
        {t('appts.book')}
      </Button>
    </Group>
  );
  if (q.loading && !q.data)
    return (
      <Stack gap="lg">
        {heading}
        <Loading label={t('app.loading')} />
      </Stack>
    );
  if (q.error || !q.data)
    return (
      <Stack gap="lg">
        {heading}
        <ErrorState error={q.error} onRetry={q.retry} />
      </Stack>
    );
  const { upcoming, waitlist, past, offers, names, noticeMin } = q.data;
  const nameOf = (a: Parameters<typeof participantId>[0]) => {
    const id = participantId(a, 'Practitioner');
    return id ? names.get(id) : undefined;
  };
  return (
    <Stack gap="lg">
      {heading}
      {offers.length > 0 && (
        <section aria-labelledby="offers-title">
          <Title order={2} size="h4" id="offers-title" mb="xs">
            {t('appts.offers')}
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            {t('appts.offersLead')}
          </Text>
          <Stack component="ul" gap="sm" className="ov-plain-list">
            {offers.map((o) => (
              <OfferCard key={o.id} offer={o} patientId={patientId} onAnswered={refresh} />
            ))}
          </Stack>
        </section>
      )}
      <section aria-labelledby="upcoming-title">
        <Title order={2} size="h4" id="upcoming-title" mb="xs">
          {t('appts.upcoming')}
        </Title>
        {upcoming.length === 0 ? (
          <EmptyState>{t('appts.noUpcoming')}</EmptyState>
        ) : (
          <Stack component="ul" gap="sm" className="ov-plain-list">
            {upcoming.map((a) => (
              <AppointmentCard
                key={a.id}
                appointment={a}
                clinician={nameOf(a)}
                patientId={patientId}
                noticeMin={noticeMin}
                onChanged={refresh}
              />
            ))}
          </Stack>
        )}
      </section>
      {waitlist.length > 0 && (
        <section aria-labelledby="waitlist-title">
          <Title order={2} size="h4" id="waitlist-title" mb="xs">
            {t('appts.waitlist')}
          </Title>
          <Stack component="ul" gap="sm" className="ov-plain-list">
            {waitlist.map((w) => (
              <WaitlistCard
                key={w.id}
                entry={w}
                clinician={nameOf(w)}
                patientId={patientId}
                onChanged={refresh}
              />
            ))}
          </Stack>
        </section>
      )}
      <section aria-labelledby="past-title">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4" id="past-title">
            {t('appts.past')}
          </Title>
          {past.length > 0 && (
            <Button
              variant="default"
              aria-expanded={showPast}
              aria-controls="past-list"
              onClick={() => setShowPast((v) => !v)}
            >
              {showPast ? t('appts.hidePast') : t('appts.showPast', { count: past.length })}
            </Button>
          )}
        </Group>
        {past.length === 0 ? (
          <EmptyState>{t('appts.noPast')}</EmptyState>
        ) : (
          <Stack component="ul" gap="sm" mt="xs" id="past-list" className="ov-plain-list" hidden={!showPast}>
            {past.map((a) => (
              <AppointmentCard
                key={a.id}
                appointment={a}
                clinician={nameOf(a)}
                patientId={patientId}
                noticeMin={noticeMin}
                actions={false}
                onChanged={refresh}
              />
            ))}
          </Stack>
        )}
      </section>
    </Stack>
  );
}

/** My appointments (`/appointments`), for patients and caregivers; staff have their schedule. */
export default function Appointments() {
  const { tokens } = useAuth();
  if (!tokens) return <ToSignIn />;
  if (!booksOwnVisits(appRole(tokens))) return <Navigate to="/schedule" replace />;
  return (
    <PageLayout>
      <Container size="md" py="md">
        <ForActingPatient>{(acting) => <AppointmentsOf acting={acting} />}</ForActingPatient>
      </Container>
    </PageLayout>
  );
}
