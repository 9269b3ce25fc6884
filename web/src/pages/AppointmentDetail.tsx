import { Alert, Anchor, Container, Stack } from '@mantine/core';
import { useState, type JSX } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { DEFAULT_NOTICE_MIN, participantId, type Appointment } from '../api/scheduling.js';
import { useQuery } from '../api/use-query.js';
import { appRole, booksOwnVisits } from '../auth/app-role.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { AppointmentCard, OfferCard, WaitlistCard } from '../ui/scheduling/AppointmentCard.js';
import { ForActingPatient } from '../ui/scheduling/ForActingPatient.js';
import { namesOf, useScheduling, type ActingFor } from '../ui/scheduling/hooks.js';

function BackToList() {
  const { t } = useI18n();
  return (
    <Anchor component={Link} to="/appointments">
      {t('appts.all')}
    </Anchor>
  );
}

/** One appointment (`/appointments/:id`), where notices link: its details and what can be done. */
function OneAppointment({ acting, id }: { acting: ActingFor; id: string }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  const [version, setVersion] = useState(0);
  const q = useQuery(`appointment/${id}/${version}`, async () => {
    const [appointment, policy] = await Promise.all([
      fhir.read<Appointment>(`Appointment/${id}`),
      scheduling.policy().catch(() => null),
    ]);
    const practitioner = participantId(appointment, 'Practitioner');
    const names = practitioner
      ? await namesOf(fhir, 'Practitioner', [practitioner]).catch(() => new Map<string, string>())
      : new Map<string, string>();
    return {
      appointment,
      clinician: practitioner ? names.get(practitioner) : undefined,
      noticeMin: policy?.patientChangeMinNoticeMin ?? DEFAULT_NOTICE_MIN,
    };
  });
  const body =
    q.loading && !q.data ? (
      <Loading label={t('app.loading')} />
    ) : q.error || !q.data ? (
      <ErrorState error={q.error} onRetry={q.retry} />
    ) : q.data.appointment.status === 'waitlist' ? (
      <WaitlistCard
        as="div"
        entry={q.data.appointment}
        clinician={q.data.clinician}
        patientId={acting.patientId}
        onChanged={() => setVersion((v) => v + 1)}
      />
    ) : (
      <AppointmentCard
        as="div"
        appointment={q.data.appointment}
        clinician={q.data.clinician}
        patientId={acting.patientId}
        noticeMin={q.data.noticeMin}
        onChanged={() => setVersion((v) => v + 1)}
      />
    );
  return (
    <Stack gap="lg">
      <PageHeading title={t('appts.one')} />
      {body}
      <BackToList />
    </Stack>
  );
}

/** An offer of a freed time (`/appointments/offers/:offerId`), where the offer notice links. */
function OneOffer({ acting, offerId }: { acting: ActingFor; offerId: string }) {
  const { t } = useI18n();
  const scheduling = useScheduling();
  const navigate = useNavigate();
  const q = useQuery(`offers/${acting.patientId}`, () => scheduling.offers(acting.patientId));
  const offer = q.data?.find((o) => o.id === offerId);
  return (
    <Stack gap="lg">
      <PageHeading title={t('appts.offerPage')} lead={t('appts.offersLead')} />
      {q.loading && !q.data ? (
        <Loading label={t('app.loading')} />
      ) : q.error || !q.data ? (
        <ErrorState error={q.error} onRetry={q.retry} />
      ) : offer ? (
        <OfferCard
          as="div"
          offer={offer}
          patientId={acting.patientId}
          onAnswered={() => void navigate('/appointments')}
        />
      ) : (
        <Alert color="yellow" title={t('appts.offerGone')} />
      )}
      <BackToList />
    </Stack>
  );
}

function PortalPage({ children }: { children(acting: ActingFor): JSX.Element }) {
  const { tokens } = useAuth();
  if (!tokens) return <ToSignIn />;
  if (!booksOwnVisits(appRole(tokens))) return <Navigate to="/schedule" replace />;
  return (
    <PageLayout>
      <Container size="md" py="md">
        <ForActingPatient>{children}</ForActingPatient>
      </Container>
    </PageLayout>
  );
}

export default function AppointmentDetail() {
  const { id = '', offerId } = useParams();
  return (
    <PortalPage>
      {(acting) =>
        offerId !== undefined ? (
          <OneOffer acting={acting} offerId={offerId} />
        ) : (
          <OneAppointment acting={acting} id={id} />
        )
      }
    </PortalPage>
  );
}
