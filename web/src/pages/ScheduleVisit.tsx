import { Anchor, Badge, Button, Card, Container, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { localDate } from '../api/local-days.js';
import {
  modalityOf,
  participantId,
  staffMayChange,
  visitTypeId,
  visitTypeName,
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
import { CancelDialog } from '../ui/scheduling/AppointmentCard.js';
import { namesOf, useScheduling } from '../ui/scheduling/hooks.js';
import { modalityName, statusName } from '../ui/scheduling/labels.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** One name by id, or undefined (a name is a nicety: the visit shows without it). */
async function nameOf(
  fhir: Parameters<typeof namesOf>[0],
  type: 'Patient' | 'Practitioner',
  id: string | undefined,
): Promise<string | undefined> {
  if (!id) return undefined;
  const names = await namesOf(fhir, type, [id]).catch(() => new Map<string, string>());
  return names.get(id);
}

/** A visit as the clinic sees it: when, who, what, how, its status; move it or cancel it. */
function Visit({ id }: { id: string }) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  const [version, setVersion] = useState(0);
  const [cancelling, setCancelling] = useState(false);
  const [refocus, setRefocus] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const q = useQuery(`staff-visit/${id}/${version}`, async () => {
    const appointment = await fhir.read<Appointment>(`Appointment/${id}`);
    const [patient, clinician, types] = await Promise.all([
      nameOf(fhir, 'Patient', participantId(appointment, 'Patient')),
      nameOf(fhir, 'Practitioner', participantId(appointment, 'Practitioner')),
      scheduling.visitTypes().catch(() => []),
    ]);
    // A seat in a group session moves by taking a seat in another session, not to a free time.
    const seat = (types.find((vt) => vt.id === visitTypeId(appointment))?.groupCapacity ?? 1) > 1;
    return { appointment, patient, clinician, seat };
  });
  // Once a cancelled visit is shown again, the focus goes to it (the Cancel button is gone).
  useEffect(() => {
    if (refocus && !q.loading) {
      heading.current?.focus();
      setRefocus(false);
    }
  }, [refocus, q.loading]);

  const a = q.data?.appointment;
  const practitioner = a ? participantId(a, 'Practitioner') : undefined;
  const back = new URLSearchParams();
  if (practitioner) back.set('practitioner', practitioner);
  if (a?.start) back.set('date', localDate(Date.parse(a.start), timeZone));
  const backQuery = back.toString();
  const backLink = (
    <Anchor component={Link} to={`/schedule${backQuery ? `?${backQuery}` : ''}`}>
      {t('visit.back')}
    </Anchor>
  );

  if (q.loading && !q.data)
    return (
      <Stack gap="lg">
        <PageHeading title={t('visit.title')} />
        <Loading label={t('app.loading')} />
      </Stack>
    );
  if (q.error || !q.data || !a)
    return (
      <Stack gap="lg">
        <PageHeading title={t('visit.title')} />
        <ErrorState error={q.error} onRetry={q.retry} />
        {backLink}
      </Stack>
    );

  const { patient, clinician, seat } = q.data;
  const modality = modalityOf(a);
  const when = a.start ? formatWhen(a.start, locale, timeZone) : '';
  const mayChange = staffMayChange(a, Date.now());
  return (
    <Stack gap="lg">
      <PageHeading title={t('visit.title')} lead={t('visit.lead', { zone: timeZone })} />
      {backLink}
      <Card withBorder component="section" aria-labelledby="visit-when">
        <Stack gap="sm">
          <Title order={2} size="h4" id="visit-when" ref={heading} tabIndex={-1}>
            {when || visitTypeName(a)}
          </Title>
          <dl className="ov-facts">
            <dt>{t('sched.patient')}</dt>
            <dd>{patient ?? t('sched.patient')}</dd>
            <dt>{t('book.visitType')}</dt>
            <dd>{visitTypeName(a)}</dd>
            <dt>{t('book.clinician')}</dt>
            <dd>{clinician ?? ''}</dd>
            <dt>{t('sched.modality')}</dt>
            <dd>{modality ? modalityName(t, modality) : ''}</dd>
            <dt>{t('sched.status')}</dt>
            <dd>
              <Badge variant="light" color={a.status === 'booked' ? 'blue' : 'gray'}>
                {statusName(t, a.status)}
              </Badge>
            </dd>
            {a.cancelationReason?.text && (
              <>
                <dt>{t('visit.reason')}</dt>
                <dd>{a.cancelationReason.text}</dd>
              </>
            )}
          </dl>
          {mayChange ? (
            <Group gap="xs" wrap="wrap">
              {!seat && (
                <Button
                  component={Link}
                  to={`/schedule/book?reschedule=${encodeURIComponent(id)}`}
                  variant="outline"
                  aria-describedby="visit-when"
                >
                  {t('appts.reschedule')}
                </Button>
              )}
              <Button
                variant="outline"
                color="red.8"
                onClick={() => setCancelling(true)}
                aria-describedby="visit-when"
              >
                {t('appts.cancel')}
              </Button>
            </Group>
          ) : (
            <Text size="sm">{t('visit.noChanges')}</Text>
          )}
        </Stack>
      </Card>
      {cancelling && (
        <CancelDialog
          appointment={a}
          patientId={undefined}
          staff
          onClose={() => setCancelling(false)}
          onCancelled={() => {
            setCancelling(false);
            setRefocus(true);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </Stack>
  );
}

/** A visit of the schedule (`/schedule/visits/:id`), for staff: its details, Reschedule and Cancel. */
export default function ScheduleVisit() {
  const { tokens } = useAuth();
  const { id = '' } = useParams();
  if (!tokens) return <ToSignIn />;
  if (!keepsSchedules(appRole(tokens))) return <Navigate to={`/appointments/${id}`} replace />;
  return (
    <PageLayout>
      <Container size="md" py="md">
        {ID.test(id) ? <Visit key={id} id={id} /> : <Navigate to="/schedule" replace />}
      </Container>
    </PageLayout>
  );
}
