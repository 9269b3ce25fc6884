import { Alert, Anchor, Button, Container, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAction } from '../../api/use-action.js';
import { useQuery } from '../../api/use-query.js';
import type { VisitSummary } from '../../api/visits.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { ToSignIn } from '../../auth/ToSignIn.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Loading } from '../../ui/Loading.js';
import { PageLayout } from '../../ui/PageLayout.js';
import { useLiveVisit, useVisits } from '../../visits/use-visits.js';
import { AfterVisit } from './AfterVisit.js';
import { CheckIn } from './CheckIn.js';
import { ConnectionNote } from './ConnectionNote.js';
import { VisitCall } from './VisitCall.js';
import { WaitingRoom } from './WaitingRoom.js';

/**
 * The visit while it is live for this participant: one socket and one set of media from the
 * waiting room into the call, until the visit ends (then `onOver`, and the page moves on).
 */
function LiveVisitView({ visit, onOver }: { visit: VisitSummary; onOver(): void }) {
  const { t } = useI18n();
  const { live, snap } = useLiveVisit(visit.id);
  const over = snap?.connection === 'over' || snap?.status === 'finished';
  useEffect(() => {
    if (over) onOver();
  }, [over, onOver]);
  if (!live || !snap || snap.status === null) {
    if (snap?.connection === 'refused')
      return <ErrorState error={snap.joinError ?? new Error('refused')} onRetry={() => location.reload()} />;
    return (
      <Stack gap="md">
        <Title order={1}>{t('visit.videoTitle')}</Title>
        {snap && <ConnectionNote snap={snap} />}
        <Loading label={t('visit.connecting')} />
      </Stack>
    );
  }
  if (snap.status === 'arrived' && snap.role !== 'clinician') return <WaitingRoom snap={snap} />;
  if (snap.status === 'in-progress')
    return <VisitCall visit={visit} snap={snap} live={live} onEnded={onOver} />;
  return <Loading label={t('visit.connecting')} />;
}

/** A clinician on a visit whose patient waits: admit them from here too. */
function AdmitPanel({ visit, onAdmitted }: { visit: VisitSummary; onAdmitted(): void }) {
  const { t } = useI18n();
  const visits = useVisits();
  const action = useAction();
  return (
    <Stack gap="md">
      <Title order={1}>{t('visit.videoTitle')}</Title>
      <Text>{t('visit.admit.waiting')}</Text>
      {action.failure !== null && <ErrorState error={action.failure} details />}
      <div>
        <Button
          loading={action.busy}
          onClick={() => void action.run(() => visits.admit(visit.id)).then((ok) => ok && onAdmitted())}
        >
          {t('visit.queue.admit')}
        </Button>
      </div>
    </Stack>
  );
}

function VisitById({ id }: { id: string }) {
  const { t } = useI18n();
  const visits = useVisits();
  const [version, setVersion] = useState(0);
  const q = useQuery(`visit/${id}/${version}`, () => visits.get(id));
  const [refresh] = useState(() => () => setVersion((v) => v + 1));
  if (q.data === undefined)
    return q.error ? <ErrorState error={q.error} onRetry={q.retry} /> : <Loading label={t('app.loading')} />;
  const v = q.data;
  switch (v.status) {
    case 'planned':
      return v.as === 'patient' ? (
        <CheckIn visit={v} onCheckedIn={refresh} />
      ) : (
        <Stack gap="md">
          <Title order={1}>{t('visit.videoTitle')}</Title>
          <Text>{t('visit.notCheckedIn')}</Text>
          <Button variant="default" onClick={refresh} style={{ alignSelf: 'flex-start' }}>
            {t('visit.refresh')}
          </Button>
        </Stack>
      );
    case 'arrived':
      return v.as === 'clinician' ? (
        <AdmitPanel visit={v} onAdmitted={refresh} />
      ) : (
        <LiveVisitView visit={v} onOver={refresh} />
      );
    case 'in-progress':
      return <LiveVisitView visit={v} onOver={refresh} />;
    case 'finished':
      return <AfterVisit visit={v} />;
    default:
      return (
        <Stack gap="md">
          <Title order={1}>{t('visit.videoTitle')}</Title>
          <Alert color="gray" title={t('visit.cancelled')} />
          <Anchor component={Link} to="/appointments">
            {t('appts.all')}
          </Anchor>
        </Stack>
      );
  }
}

/** `/visits/:visitId`: check-in, waiting room, call or what follows, by the visit's status. */
export default function VisitPage() {
  const { tokens } = useAuth();
  const { visitId = '' } = useParams();
  if (!tokens) return <ToSignIn />;
  return (
    <PageLayout>
      <Container size="lg" py="md">
        <VisitById key={visitId} id={visitId} />
      </Container>
    </PageLayout>
  );
}
