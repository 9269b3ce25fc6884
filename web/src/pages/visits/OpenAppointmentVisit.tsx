import { Container, Stack } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../../auth/AuthProvider.js';
import { ToSignIn } from '../../auth/ToSignIn.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Loading } from '../../ui/Loading.js';
import { PageHeading } from '../../ui/PageHeading.js';
import { PageLayout } from '../../ui/PageLayout.js';
import { useVisits } from '../../visits/use-visits.js';

function Opening({ appointmentId }: { appointmentId: string }) {
  const { t } = useI18n();
  const visits = useVisits();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setFailure(null);
    // One visit per appointment: opening again finds the same one.
    visits.openForAppointment(appointmentId).then(
      (v) => current && void navigate(`/visits/${encodeURIComponent(v.id)}`, { replace: true }),
      (err: unknown) => current && setFailure(err),
    );
    return () => {
      current = false;
    };
  }, [appointmentId, attempt, visits, navigate]);
  return failure !== null ? (
    <ErrorState error={failure} onRetry={() => setAttempt((n) => n + 1)} />
  ) : (
    <Loading label={t('visit.opening')} />
  );
}

/** `/visits/appointment/:appointmentId`: opens the visit of a booked video appointment, then goes to it. */
export default function OpenAppointmentVisit() {
  const { t } = useI18n();
  const { tokens } = useAuth();
  const { appointmentId = '' } = useParams();
  if (!tokens) return <ToSignIn />;
  return (
    <PageLayout>
      <Container size="md" py="md">
        <Stack gap="lg">
          <PageHeading title={t('visit.videoTitle')} />
          <Opening appointmentId={appointmentId} />
        </Stack>
      </Container>
    </PageLayout>
  );
}
