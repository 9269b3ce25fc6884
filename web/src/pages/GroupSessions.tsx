import { Alert, Anchor, Badge, Button, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { dayBounds, localDate } from '../api/local-days.js';
import {
  groupSessionsOf,
  isoInstant,
  participantId,
  refusalOf,
  visitTypeName,
  type Appointment,
  type VisitType,
} from '../api/scheduling.js';
import { useAction } from '../api/use-action.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { formatWhen } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { DataTable } from '../ui/DataTable.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { ClinicianPage } from '../ui/scheduling/ClinicianPage.js';
import { useScheduling } from '../ui/scheduling/hooks.js';
import { TimePicker } from '../ui/scheduling/TimePicker.js';
import { useToast } from '../ui/Toasts.js';

const DAY_MS = 86_400_000;
/** How far ahead the list of planned sessions looks, in days. */
const LIST_DAYS = 92;

/**
 * Planning a session: a group visit type (its capacity is the session's), then one of the
 * clinician's free times for it, the same week-by-week picker patients book from.
 */
function PlanSession({
  practitioner,
  groupTypes,
  onPlanned,
}: {
  practitioner: string;
  groupTypes: VisitType[];
  onPlanned(): void;
}) {
  const { t, timeZone } = useI18n();
  const scheduling = useScheduling();
  const toast = useToast();
  const action = useAction();
  const [typeId, setTypeId] = useState(groupTypes[0]?.id ?? '');
  const [first, setFirst] = useState(() => localDate(Date.now(), timeZone));
  const [slot, setSlot] = useState<Appointment | null>(null);
  const [pickTime, setPickTime] = useState(false);
  // The free times are asked for again after a session is planned or a time was taken meanwhile.
  const [round, setRound] = useState(0);
  const vt = groupTypes.find((x) => x.id === typeId);
  const refusal = action.failure ? refusalOf(action.failure) : null;

  const submit = async () => {
    if (!slot?.start || !vt) {
      setPickTime(true);
      return;
    }
    const start = slot.start;
    const ok = await action.run(() =>
      scheduling.createGroupSession({ visitType: vt.id, practitioner, start }),
    );
    setSlot(null);
    setRound((n) => n + 1);
    if (ok) {
      toast(t('sessions.planned'));
      onPlanned();
    }
  };

  return (
    <Card withBorder component="section" aria-labelledby="plan-title">
      <Stack gap="md">
        <Title order={2} size="h4" id="plan-title">
          {t('sessions.plan')}
        </Title>
        {!vt ? (
          <EmptyState>{t('sessions.noGroupTypes')}</EmptyState>
        ) : (
          <>
            <NativeSelect
              label={t('sessions.visitType')}
              value={vt.id}
              maw={420}
              data={groupTypes.map((x) => ({ value: x.id, label: x.name }))}
              onChange={(e) => {
                setTypeId(e.currentTarget.value);
                setSlot(null);
              }}
              description={t('sessions.capacity', { capacity: vt.groupCapacity, minutes: vt.durationMin })}
            />
            <div>
              <Title order={3} size="h5">
                {t('sessions.chooseTime')}
              </Title>
              <Text size="sm">{t('book.timesIn', { zone: timeZone })}</Text>
            </div>
            <TimePicker
              key={`${vt.id}/${round}`}
              visitType={vt.id}
              practitioner={practitioner}
              filters={{}}
              windowDays={vt.bookingWindowDays ?? 60}
              first={first}
              onFirstChange={setFirst}
              selected={slot}
              onSelect={(s) => {
                setSlot(s);
                setPickTime(false);
              }}
              emptyWeek={t('sessions.noTimesWeek')}
            />
            {pickTime && (
              <Text role="alert" c="red.8" size="sm">
                {t('book.pickTime')}
              </Text>
            )}
            {refusal?.kind === 'taken' ? (
              <Alert color="yellow" role="alert" title={t('sessions.taken')} />
            ) : refusal ? (
              <ErrorState error={action.failure} details />
            ) : null}
            <Group>
              <Button loading={action.busy} onClick={() => void submit()}>
                {t('sessions.submit')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}

/** The clinician's group sessions of the next months, each with its places taken of its capacity. */
function PlannedSessions({
  practitioner,
  groupTypes,
  version,
}: {
  practitioner: string;
  groupTypes: VisitType[];
  version: number;
}) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  const today = localDate(Date.now(), timeZone);
  const q = useQuery(`group-sessions/${practitioner}/${today}/${timeZone}/${version}`, async () => {
    const from = dayBounds(today, timeZone).start;
    const to = from + LIST_DAYS * DAY_MS;
    // The clinician's calendar has every session, full ones too, where the caller may read a
    // session's own Appointment (it names no patient: the access policy shows it to the front desk,
    // not to clinicians bounded by their patients); the open sessions of each group visit type
    // (`$group-sessions`) are there for everyone.
    const [calendar, ...open] = await Promise.all([
      fhir.search<Appointment>('Appointment', {
        actor: `Practitioner/${practitioner}`,
        date: [`ge${isoInstant(from)}`, `lt${isoInstant(to)}`],
        _sort: 'date',
        _count: '500',
      }),
      ...groupTypes.map((vt) => scheduling.groupSessions(vt.id, { start: Date.now(), end: to })),
    ]);
    return [...calendar, ...open.flat().filter((a) => participantId(a, 'Practitioner') === practitioner)];
  });
  const capacities = new Map(groupTypes.map((vt) => [vt.id, vt.groupCapacity]));
  const sessions = groupSessionsOf(q.data ?? [], (id) => (id ? capacities.get(id) : undefined));
  return (
    <section aria-labelledby="sessions-title">
      <Title order={2} size="h4" id="sessions-title" mb="xs">
        {t('sessions.list')}
      </Title>
      {q.loading && !q.data ? (
        <Loading label={t('app.loading')} />
      ) : q.error || !q.data ? (
        <ErrorState error={q.error} onRetry={q.retry} />
      ) : sessions.length === 0 ? (
        <EmptyState>{t('sessions.none')}</EmptyState>
      ) : (
        <DataTable
          caption={t('sessions.caption')}
          rows={sessions}
          rowKey={(s, i) => s.session.id ?? String(i)}
          columns={[
            {
              key: 'when',
              header: t('book.when'),
              cell: (s) => formatWhen(s.session.start ?? '', locale, timeZone),
            },
            { key: 'type', header: t('sched.visitType'), cell: (s) => visitTypeName(s.session) },
            {
              key: 'places',
              header: t('sessions.places'),
              cell: (s) => (
                <Group gap="xs" wrap="nowrap">
                  <span>{t('sessions.seats', { taken: s.taken, capacity: s.capacity })}</span>
                  {s.taken >= s.capacity ? (
                    <Badge variant="light" color="gray">
                      {t('sessions.full')}
                    </Badge>
                  ) : (
                    <Badge variant="light" color="blue">
                      {t('sessions.left', { left: s.capacity - s.taken })}
                    </Badge>
                  )}
                </Group>
              ),
            },
            {
              key: 'schedule',
              header: t('sched.actions'),
              cell: (s) => {
                const start = Date.parse(s.session.start ?? '');
                const query = new URLSearchParams({
                  practitioner,
                  date: localDate(start, timeZone),
                  view: 'day',
                });
                return (
                  <Anchor
                    component={Link}
                    to={`/schedule?${query.toString()}`}
                    aria-label={t('sessions.showFor', { when: formatWhen(start, locale, timeZone) })}
                  >
                    {t('sessions.show')}
                  </Anchor>
                );
              },
            },
          ]}
        />
      )}
    </section>
  );
}

function Sessions({ practitioner }: { practitioner: string }) {
  const { t } = useI18n();
  const scheduling = useScheduling();
  const types = useQuery('visit-types', () => scheduling.visitTypes());
  const [version, setVersion] = useState(0);
  if (types.loading && !types.data) return <Loading label={t('app.loading')} />;
  if (types.error || !types.data) return <ErrorState error={types.error} onRetry={types.retry} />;
  const groupTypes = types.data.filter((vt) => vt.groupCapacity > 1);
  return (
    <Stack gap="lg">
      <PlanSession
        practitioner={practitioner}
        groupTypes={groupTypes}
        onPlanned={() => setVersion((v) => v + 1)}
      />
      <PlannedSessions practitioner={practitioner} groupTypes={groupTypes} version={version} />
    </Stack>
  );
}

/** Group sessions (`/schedule/sessions`): plan one at a clinician's free time, see the places taken. */
export default function GroupSessions() {
  const { t, timeZone } = useI18n();
  return (
    <ClinicianPage
      title={t('sessions.title')}
      lead={t('sessions.lead', { zone: timeZone })}
      back={t('sessions.back')}
    >
      {(practitioner) => <Sessions practitioner={practitioner} />}
    </ClinicianPage>
  );
}
