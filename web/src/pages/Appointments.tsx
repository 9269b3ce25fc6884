import { Button, Container, Group, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link, Navigate } from 'react-router';
import { participantId, type Appointment } from '../api/scheduling.js';
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

/**
 * One part of My appointments: a heading (the region's name), an optional lead and the list of its
 * cards. With no items it says `empty`, or is left out when there is nothing to say. `collapsed`
 * hides the list behind a Show / Hide toggle next to the heading.
 */
function AppointmentSection({
  id,
  title,
  lead,
  items,
  empty,
  collapsed,
  children: card,
}: {
  id: string;
  title: string;
  lead?: string;
  items: readonly Appointment[];
  empty?: string;
  collapsed?: { show(count: number): string; hide: string };
  children(item: Appointment): ReactNode;
}) {
  const [shown, setShown] = useState(false);
  if (items.length === 0 && empty === undefined) return null;
  const titleId = `${id}-title`;
  const listId = `${id}-list`;
  return (
    <section aria-labelledby={titleId}>
      {collapsed ? (
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4" id={titleId}>
            {title}
          </Title>
          {items.length > 0 && (
            <Button
              variant="default"
              aria-expanded={shown}
              aria-controls={listId}
              onClick={() => setShown((v) => !v)}
            >
              {shown ? collapsed.hide : collapsed.show(items.length)}
            </Button>
          )}
        </Group>
      ) : (
        <Title order={2} size="h4" id={titleId} mb="xs">
          {title}
        </Title>
      )}
      {lead && (
        <Text size="sm" c="dimmed" mb="xs">
          {lead}
        </Text>
      )}
      {items.length === 0 ? (
        <EmptyState>{empty ?? ''}</EmptyState>
      ) : collapsed ? (
        <Stack component="ul" gap="sm" mt="xs" id={listId} className="ov-plain-list" hidden={!shown}>
          {items.map(card)}
        </Stack>
      ) : (
        <Stack component="ul" gap="sm" className="ov-plain-list">
          {items.map(card)}
        </Stack>
      )}
    </section>
  );
}

/** A patient's (or their caregiver's) appointments: offers, upcoming visits, the waitlist, the past. */
function AppointmentsOf({ acting }: { acting: ActingFor }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  const [version, setVersion] = useState(0);
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
  const nameOf = (a: Appointment) => {
    const id = participantId(a, 'Practitioner');
    return id ? names.get(id) : undefined;
  };
  return (
    <Stack gap="lg">
      {heading}
      <AppointmentSection id="offers" title={t('appts.offers')} lead={t('appts.offersLead')} items={offers}>
        {(o) => <OfferCard key={o.id} offer={o} patientId={patientId} onAnswered={refresh} />}
      </AppointmentSection>
      <AppointmentSection
        id="upcoming"
        title={t('appts.upcoming')}
        items={upcoming}
        empty={t('appts.noUpcoming')}
      >
        {(a) => (
          <AppointmentCard
            key={a.id}
            appointment={a}
            clinician={nameOf(a)}
            patientId={patientId}
            noticeMin={noticeMin}
            onChanged={refresh}
          />
        )}
      </AppointmentSection>
      <AppointmentSection id="waitlist" title={t('appts.waitlist')} items={waitlist}>
        {(w) => (
          <WaitlistCard
            key={w.id}
            entry={w}
            clinician={nameOf(w)}
            patientId={patientId}
            onChanged={refresh}
          />
        )}
      </AppointmentSection>
      <AppointmentSection
        id="past"
        title={t('appts.past')}
        items={past}
        empty={t('appts.noPast')}
        collapsed={{ show: (count) => t('appts.showPast', { count }), hide: t('appts.hidePast') }}
      >
        {(a) => (
          <AppointmentCard
            key={a.id}
            appointment={a}
            clinician={nameOf(a)}
            patientId={patientId}
            noticeMin={noticeMin}
            actions={false}
            onChanged={refresh}
          />
        )}
      </AppointmentSection>
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
