import { Anchor, Badge, Button, Container, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { addDays, dayBounds, daysFrom, groupByLocalDay, localDate, weekdayOf } from '../api/local-days.js';
import {
  isoInstant,
  modalityOf,
  participantId,
  seatsOf,
  visitTypeName,
  type Appointment,
} from '../api/scheduling.js';
import { useAction } from '../api/use-action.js';
import { useQuery } from '../api/use-query.js';
import { appRole, keepsSchedules } from '../auth/app-role.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { formatCalendarDay, formatTime } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { DataTable } from '../ui/DataTable.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { ClinicianSelect } from '../ui/scheduling/ClinicianSelect.js';
import { namesOf, useScheduling } from '../ui/scheduling/hooks.js';
import { modalityName, statusName } from '../ui/scheduling/labels.js';
import { useScheduleOwner } from '../ui/scheduling/schedule-owner.js';
import { useToast } from '../ui/Toasts.js';

type View = 'day' | 'week';

/** Check-in and no-show for one visit: check-in until it ends, no-show once it was due to start. */
function VisitActions({ a, label, onChanged }: { a: Appointment; label: string; onChanged(): void }) {
  const { t } = useI18n();
  const scheduling = useScheduling();
  const toast = useToast();
  const action = useAction();
  if (a.status !== 'booked' || !a.id || !participantId(a, 'Patient')) return null;
  const now = Date.now();
  const started = Date.parse(a.start ?? '') <= now;
  const ended = Date.parse(a.end ?? a.start ?? '') <= now;
  const run = async (fn: () => Promise<unknown>, done: string) => {
    if (await action.run(fn)) {
      toast(done);
      onChanged();
    }
  };
  const id = a.id;
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        {!ended && (
          <Button
            size="xs"
            loading={action.busy}
            onClick={() => void run(() => scheduling.checkIn(id), t('sched.checkedIn'))}
            aria-label={t('sched.checkInFor', { what: label })}
          >
            {t('sched.checkIn')}
          </Button>
        )}
        {started && (
          <Button
            size="xs"
            variant="outline"
            color="red.8"
            disabled={action.busy}
            onClick={() => void run(() => scheduling.noShow(id), t('sched.markedNoShow'))}
            aria-label={t('sched.noShowFor', { what: label })}
          >
            {t('sched.noShow')}
          </Button>
        )}
      </Group>
      {action.failure !== null && <ErrorState error={action.failure} />}
    </Stack>
  );
}

/** The visits of one clinician over some days, each day a table; patients by name. */
function Calendar({ practitioner, days }: { practitioner: string; days: string[] }) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const [version, setVersion] = useState(0);
  const start = dayBounds(days[0]!, timeZone).start;
  const end = dayBounds(days[days.length - 1]!, timeZone).end;
  const where = `${practitioner}/${days[0]}/${days.length}/${timeZone}`;
  const q = useQuery(`calendar/${where}/${version}`, async () => {
    const visits = await fhir.search<Appointment>('Appointment', {
      actor: `Practitioner/${practitioner}`,
      date: [`ge${isoInstant(start)}`, `lt${isoInstant(end)}`],
      _sort: 'date',
      _count: '500',
    });
    const listed = visits.filter((a) => a.start && a.status !== 'proposed' && a.status !== 'waitlist');
    const patients = await namesOf(
      fhir,
      'Patient',
      listed.map((a) => participantId(a, 'Patient') ?? ''),
    ).catch(() => new Map<string, string>());
    return { visits: listed, patients, where };
  });
  // After a check-in the same days reload and stay shown meanwhile; other days never show the
  // last ones' visits under their headings.
  if (q.loading && q.data?.where !== where) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const { visits, patients } = q.data;
  const who = (a: Appointment) => {
    const patient = participantId(a, 'Patient');
    if (patient) return patients.get(patient) ?? t('sched.patient');
    const seats = seatsOf(a);
    return seats
      ? t('sched.groupSession', { taken: seats.taken, capacity: seats.capacity })
      : t('sched.groupSessionPlain');
  };
  const when = (a: Appointment) =>
    `${formatTime(Date.parse(a.start ?? ''), locale, timeZone)}–${formatTime(
      Date.parse(a.end ?? a.start ?? ''),
      locale,
      timeZone,
    )}`;
  return (
    <Stack gap="lg">
      {groupByLocalDay(visits, timeZone, days).map(({ date, items }) => (
        <section key={date} aria-labelledby={`day-${date}`}>
          <Title order={2} size="h4" id={`day-${date}`} mb="xs">
            {formatCalendarDay(date, locale)}
          </Title>
          {items.length === 0 ? (
            <EmptyState>{t('sched.noVisits')}</EmptyState>
          ) : (
            <DataTable
              caption={t('sched.visitsOn', { day: formatCalendarDay(date, locale) })}
              minWidth={720}
              rows={items}
              rowKey={(a, i) => a.id ?? String(i)}
              columns={[
                { key: 'time', header: t('sched.time'), cell: when },
                { key: 'patient', header: t('sched.patient'), cell: who },
                { key: 'type', header: t('sched.visitType'), cell: (a) => visitTypeName(a) },
                {
                  key: 'modality',
                  header: t('sched.modality'),
                  cell: (a) => {
                    const m = modalityOf(a);
                    return m ? modalityName(t, m) : '';
                  },
                },
                {
                  key: 'status',
                  header: t('sched.status'),
                  cell: (a) => (
                    <Badge variant="light" color={a.status === 'booked' ? 'blue' : 'gray'}>
                      {statusName(t, a.status)}
                    </Badge>
                  ),
                },
                {
                  key: 'actions',
                  header: t('sched.actions'),
                  cell: (a) => {
                    const label = `${who(a)}, ${when(a)}`;
                    return (
                      <Group gap="xs" wrap="nowrap" align="flex-start">
                        {a.id && participantId(a, 'Patient') && (
                          <Button
                            component={Link}
                            to={`/schedule/visits/${encodeURIComponent(a.id)}`}
                            size="xs"
                            variant="default"
                            aria-label={t('sched.openFor', { what: label })}
                          >
                            {t('sched.open')}
                          </Button>
                        )}
                        <VisitActions a={a} label={label} onChanged={() => setVersion((v) => v + 1)} />
                      </Group>
                    );
                  },
                },
              ]}
            />
          )}
        </section>
      ))}
    </Stack>
  );
}

/**
 * The staff schedule (`/schedule`): a clinician's day or week, with check-in and no-show; each
 * patient's visit opens on its own page (`/schedule/visits/:id`) to move or cancel it.
 */
export default function Schedule() {
  const { t, locale, timeZone } = useI18n();
  const { tokens } = useAuth();
  const [params, setParams] = useSearchParams();
  const owner = useScheduleOwner();
  if (!tokens) return <ToSignIn />;
  if (!keepsSchedules(appRole(tokens))) return <Navigate to="/home" replace />;

  const today = localDate(Date.now(), timeZone);
  const view: View = params.get('view') === 'week' ? 'week' : 'day';
  const raw = params.get('date') ?? '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : today;
  const days = view === 'day' ? [date] : daysFrom(addDays(date, -weekdayOf(date)), 7);
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) next.set(k, v);
    setParams(next, { replace: true });
  };
  const step = view === 'day' ? 1 : 7;
  const practitioner = owner.practitioner;
  const query = practitioner ? `?practitioner=${encodeURIComponent(practitioner)}` : '';

  return (
    <PageLayout>
      <Container size="xl" py="md">
        <Stack gap="lg">
          <PageHeading title={t('sched.title')} lead={t('sched.lead', { zone: timeZone })} />
          <Group gap="md" wrap="wrap">
            <Anchor component={Link} to={`/schedule/availability${query}`}>
              {t('sched.hoursLink')}
            </Anchor>
            <Anchor component={Link} to="/schedule/book">
              {t('sched.bookLink')}
            </Anchor>
            <Anchor component={Link} to={`/schedule/sessions${query}`}>
              {t('sched.sessionsLink')}
            </Anchor>
          </Group>
          {owner.loading ? (
            <Loading label={t('app.loading')} />
          ) : owner.error ? (
            <ErrorState error={owner.error} onRetry={owner.retry} />
          ) : (
            <>
              {owner.clinicians.length > 0 && practitioner && (
                <ClinicianSelect clinicians={owner.clinicians} value={practitioner} onChange={owner.choose} />
              )}
              <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
                <Group gap="xs" wrap="wrap">
                  <Button variant="default" onClick={() => set({ date: addDays(date, -step) })}>
                    {view === 'day' ? t('sched.previousDay') : t('sched.previousWeek')}
                  </Button>
                  <Button variant="default" onClick={() => set({ date: today })}>
                    {t('sched.today')}
                  </Button>
                  <Button variant="default" onClick={() => set({ date: addDays(date, step) })}>
                    {view === 'day' ? t('sched.nextDay') : t('sched.nextWeek')}
                  </Button>
                </Group>
                <Group gap="xs" role="group" aria-label={t('sched.view')}>
                  <Button
                    variant={view === 'day' ? 'filled' : 'default'}
                    aria-pressed={view === 'day'}
                    onClick={() => set({ view: 'day' })}
                  >
                    {t('sched.day')}
                  </Button>
                  <Button
                    variant={view === 'week' ? 'filled' : 'default'}
                    aria-pressed={view === 'week'}
                    onClick={() => set({ view: 'week' })}
                  >
                    {t('sched.week')}
                  </Button>
                </Group>
                <TextInput
                  type="date"
                  label={t('sched.date')}
                  value={date}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) set({ date: v });
                  }}
                />
              </Group>
              {view === 'week' && (
                <Text fw={600}>
                  {t('book.weekOf', {
                    first: formatCalendarDay(days[0]!, locale),
                    last: formatCalendarDay(days[6]!, locale),
                  })}
                </Text>
              )}
              {practitioner ? (
                <Calendar practitioner={practitioner} days={days} />
              ) : (
                <EmptyState>{t('sched.noClinician')}</EmptyState>
              )}
            </>
          )}
        </Stack>
      </Container>
    </PageLayout>
  );
}
