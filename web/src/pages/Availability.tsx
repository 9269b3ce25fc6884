import { Alert, Button, Card, Checkbox, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState, type Dispatch, type FormEvent, type ReactNode, type SetStateAction } from 'react';
import { fromLocalInput, localDate, toLocalInput } from '../api/local-days.js';
import { isoInstant, type Availability as AvailabilityConfig, type TimeOff } from '../api/scheduling.js';
import { useAction } from '../api/use-action.js';
import { useQuery } from '../api/use-query.js';
import {
  buildWeeklyRules,
  hoursProblems,
  parseWeeklyHours,
  WEEKDAY_CODES,
  type HoursProblem,
  type WeekHours,
} from '../api/weekly-hours.js';
import { ApiError } from '../api/api-error.js';
import { formatCalendarDay } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { ClinicianPage } from '../ui/scheduling/ClinicianPage.js';
import { useScheduling } from '../ui/scheduling/hooks.js';
import { languageName, serviceLineName } from '../ui/scheduling/labels.js';
import { useToast } from '../ui/Toasts.js';

interface OverrideRow {
  key: number;
  date: string;
  off: boolean;
  start: string;
  end: string;
}

interface TimeOffRow {
  key: number;
  start: string;
  end: string;
  reason: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}$/;

function instantOf(v: string | number): number {
  return typeof v === 'number' ? v : Date.parse(v);
}

/** Weekday names in the user's language, Monday first. */
function weekdayNames(locale: string): string[] {
  const f = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return WEEKDAY_CODES.map((_, i) => f.format(Date.UTC(2024, 0, 1 + i)));
}

/**
 * The editor of one clinician's availability: weekly hours (weekday × from–to, saved as weekly
 * RRULEs), dates with other hours or off, time off (date-times with a reason), and the caps; one
 * PUT saves it all. Times are the clinician's own zone's.
 */
function Editor({ initial, onSaved }: { initial: AvailabilityConfig; onSaved(): void }) {
  const { t, locale } = useI18n();
  const scheduling = useScheduling();
  const toast = useToast();
  const action = useAction();
  const zone = initial.timeZone;
  const today = localDate(Date.now(), zone);
  const parsed = useState(() => parseWeeklyHours(initial.rules, today))[0];
  const nextKey = useRef(0);
  const key = () => ++nextKey.current;
  const [hours, setHours] = useState<WeekHours>(parsed.hours);
  const [overrides, setOverrides] = useState<OverrideRow[]>(() =>
    initial.overrides
      .flatMap((o) =>
        o.intervals.length === 0
          ? [{ key: key(), date: o.date, off: true, start: '', end: '' }]
          : o.intervals.map((iv) => ({ key: key(), date: o.date, off: false, start: iv.start, end: iv.end })),
      )
      .sort((a, b) => a.date.localeCompare(b.date)),
  );
  const [timeOff, setTimeOff] = useState<TimeOffRow[]>(() =>
    initial.timeOff
      .map((x) => ({ start: instantOf(x.start), end: instantOf(x.end), reason: x.reason ?? '' }))
      .sort((a, b) => a.start - b.start)
      .map((x) => ({
        key: key(),
        start: toLocalInput(x.start, zone),
        end: toLocalInput(x.end, zone),
        reason: x.reason,
      })),
  );
  const [caps, setCaps] = useState({
    perDay: initial.maxPerDay !== undefined ? String(initial.maxPerDay) : '',
    perWeek: initial.maxPerWeek !== undefined ? String(initial.maxPerWeek) : '',
  });
  const [checked, setChecked] = useState(false);
  const days = weekdayNames(locale);

  const hourIssues = hoursProblems(hours);
  const overrideIssue = (r: OverrideRow) =>
    !DATE.test(r.date) || (!r.off && (!TIME.test(r.start) || !TIME.test(r.end) || r.end <= r.start));
  const timeOffIssue = (r: TimeOffRow) => {
    const s = fromLocalInput(r.start, zone);
    const e = fromLocalInput(r.end, zone);
    return !Number.isFinite(s) || !Number.isFinite(e) || e <= s;
  };
  const capIssue = (v: string) => v !== '' && !(Number.isInteger(Number(v)) && Number(v) >= 1);
  const problems =
    hourIssues.length +
    overrides.filter(overrideIssue).length +
    timeOff.filter(timeOffIssue).length +
    (capIssue(caps.perDay) ? 1 : 0) +
    (capIssue(caps.perWeek) ? 1 : 0);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (problems > 0) return;
    const byDate = new Map<string, { start: string; end: string }[]>();
    for (const r of overrides) {
      const list = byDate.get(r.date) ?? [];
      if (!r.off) list.push({ start: r.start, end: r.end });
      byDate.set(r.date, list);
    }
    // A date marked off anywhere is off.
    for (const r of overrides) if (r.off) byDate.set(r.date, []);
    const { maxPerDay: _d, maxPerWeek: _w, ...rest } = initial;
    const next: AvailabilityConfig = {
      ...rest,
      rules: [...buildWeeklyRules(hours, parsed.validFrom ?? today), ...parsed.kept],
      overrides: [...byDate].map(([date, intervals]) => ({ date, intervals })),
      timeOff: timeOff.map((r): TimeOff => {
        const reason = r.reason.trim();
        return {
          start: isoInstant(fromLocalInput(r.start, zone)),
          end: isoInstant(fromLocalInput(r.end, zone)),
          ...(reason ? { reason } : {}),
        };
      }),
      ...(caps.perDay ? { maxPerDay: Number(caps.perDay) } : {}),
      ...(caps.perWeek ? { maxPerWeek: Number(caps.perWeek) } : {}),
    };
    if (await action.run(() => scheduling.saveAvailability(next))) {
      toast(t('hours.saved'));
      onSaved();
    }
  };

  const setDay = (day: number, intervals: WeekHours[number]) =>
    setHours((h) => h.map((list, i) => (i === day ? intervals : list)));
  const issueText = (p: HoursProblem['problem']) =>
    p === 'incomplete' ? t('hours.incomplete') : p === 'order' ? t('hours.order') : t('hours.overlap');
  const invalid = action.failure instanceof ApiError && action.failure.status === 422;

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label={t('hours.title')}>
      <Stack gap="lg">
        <Text>{t('hours.zone', { zone })}</Text>
        <Card withBorder component="section" aria-labelledby="weekly-title">
          <Title order={2} size="h4" id="weekly-title" mb="xs">
            {t('hours.weekly')}
          </Title>
          <Stack gap="sm">
            {hours.map((intervals, day) => (
              <fieldset key={WEEKDAY_CODES[day]} className="ov-day">
                <legend className="ov-day-legend">{days[day]}</legend>
                <Stack gap="xs">
                  {intervals.length === 0 && (
                    <Text size="sm" c="dimmed">
                      {t('hours.notWorking')}
                    </Text>
                  )}
                  {intervals.map((iv, index) => {
                    const issue = checked
                      ? hourIssues.find((p) => p.day === day && p.index === index)
                      : undefined;
                    return (
                      <Group key={index} align="flex-end" gap="sm" wrap="wrap">
                        <TextInput
                          type="time"
                          label={t('hours.from')}
                          value={iv.start}
                          onChange={(e) => {
                            const v = e.currentTarget.value;
                            setDay(
                              day,
                              intervals.map((x, i) => (i === index ? { ...x, start: v } : x)),
                            );
                          }}
                          error={issue ? issueText(issue.problem) : undefined}
                        />
                        <TextInput
                          type="time"
                          label={t('hours.to')}
                          value={iv.end}
                          onChange={(e) => {
                            const v = e.currentTarget.value;
                            setDay(
                              day,
                              intervals.map((x, i) => (i === index ? { ...x, end: v } : x)),
                            );
                          }}
                        />
                        <Button
                          variant="default"
                          onClick={() =>
                            setDay(
                              day,
                              intervals.filter((_, i) => i !== index),
                            )
                          }
                          aria-label={t('hours.removeHours', {
                            day: days[day] ?? '',
                            from: iv.start,
                            to: iv.end,
                          })}
                        >
                          {t('hours.remove')}
                        </Button>
                      </Group>
                    );
                  })}
                  <div>
                    <Button
                      variant="outline"
                      size="xs"
                      onClick={() => {
                        const last = intervals[intervals.length - 1];
                        setDay(day, [
                          ...intervals,
                          last ? { start: last.end, end: '' } : { start: '09:00', end: '17:00' },
                        ]);
                      }}
                      aria-label={t('hours.addHoursOn', { day: days[day] ?? '' })}
                    >
                      {t('hours.addHours')}
                    </Button>
                  </div>
                </Stack>
              </fieldset>
            ))}
            {parsed.kept.length > 0 && (
              <div>
                <Text size="sm" fw={600}>
                  {t('hours.kept')}
                </Text>
                <List size="sm">
                  {parsed.kept.map((r, i) => (
                    <List.Item key={i}>
                      {t('hours.keptRule', {
                        rule: r.rrule,
                        from: r.start,
                        to: r.end,
                        since: formatCalendarDay(r.validFrom, locale),
                      })}
                    </List.Item>
                  ))}
                </List>
              </div>
            )}
          </Stack>
        </Card>

        <RowsSection
          id="overrides"
          title={t('hours.overrides')}
          lead={t('hours.overridesLead')}
          rows={overrides}
          setRows={setOverrides}
          rowLabel={(n) => t('hours.overrideNumber', { number: n })}
          removeLabel={(n) => t('hours.removeDate', { number: n })}
          addLabel={t('hours.addDate')}
          newRow={() => ({ key: key(), date: today, off: true, start: '', end: '' })}
          fields={(r, update) => (
            <>
              <TextInput
                type="date"
                label={t('hours.date')}
                value={r.date}
                onChange={(e) => update({ date: e.currentTarget.value })}
                error={checked && overrideIssue(r) ? t('hours.overrideInvalid') : undefined}
              />
              <Checkbox
                label={t('hours.dayOff')}
                checked={r.off}
                onChange={(e) => update({ off: e.currentTarget.checked })}
                mb={8}
              />
              {!r.off && (
                <>
                  <TextInput
                    type="time"
                    label={t('hours.from')}
                    value={r.start}
                    onChange={(e) => update({ start: e.currentTarget.value })}
                  />
                  <TextInput
                    type="time"
                    label={t('hours.to')}
                    value={r.end}
                    onChange={(e) => update({ end: e.currentTarget.value })}
                  />
                </>
              )}
            </>
          )}
        />

        <RowsSection
          id="timeoff"
          title={t('hours.timeOff')}
          lead={t('hours.timeOffLead')}
          rows={timeOff}
          setRows={setTimeOff}
          rowLabel={(n) => t('hours.timeOffNumber', { number: n })}
          removeLabel={(n) => t('hours.removeTimeOff', { number: n })}
          addLabel={t('hours.addTimeOff')}
          newRow={() => ({ key: key(), start: `${today}T09:00`, end: `${today}T17:00`, reason: '' })}
          fields={(r, update) => (
            <>
              <TextInput
                type="datetime-local"
                label={t('hours.from')}
                value={r.start}
                onChange={(e) => update({ start: e.currentTarget.value })}
                error={checked && timeOffIssue(r) ? t('hours.timeOffInvalid') : undefined}
              />
              <TextInput
                type="datetime-local"
                label={t('hours.to')}
                value={r.end}
                onChange={(e) => update({ end: e.currentTarget.value })}
              />
              <TextInput
                label={t('hours.reason')}
                value={r.reason}
                maxLength={200}
                onChange={(e) => update({ reason: e.currentTarget.value })}
              />
            </>
          )}
        />

        <Card withBorder component="section" aria-labelledby="limits-title">
          <Title order={2} size="h4" id="limits-title" mb="xs">
            {t('hours.limits')}
          </Title>
          <Group align="flex-start" wrap="wrap">
            <TextInput
              type="number"
              min={1}
              label={t('hours.maxPerDay')}
              description={t('hours.noLimit')}
              value={caps.perDay}
              onChange={(e) => setCaps({ ...caps, perDay: e.currentTarget.value })}
              error={checked && capIssue(caps.perDay) ? t('hours.badCap') : undefined}
            />
            <TextInput
              type="number"
              min={1}
              label={t('hours.maxPerWeek')}
              description={t('hours.noLimit')}
              value={caps.perWeek}
              onChange={(e) => setCaps({ ...caps, perWeek: e.currentTarget.value })}
              error={checked && capIssue(caps.perWeek) ? t('hours.badCap') : undefined}
            />
          </Group>
          <dl className="ov-facts ov-facts-spaced">
            <dt>{t('hours.languages')}</dt>
            <dd>{initial.languages.map((l) => languageName(l, locale)).join(', ') || '—'}</dd>
            <dt>{t('hours.states')}</dt>
            <dd>{initial.licensedStates.join(', ') || '—'}</dd>
            <dt>{t('hours.serviceLines')}</dt>
            <dd>{initial.serviceLines.map((l) => serviceLineName(t, l)).join(', ') || '—'}</dd>
          </dl>
          <Text size="sm" c="dimmed">
            {t('hours.askAdmin')}
          </Text>
        </Card>

        {checked && problems > 0 && (
          <Text role="alert" c="red.8">
            {t('hours.fix', { count: problems })}
          </Text>
        )}
        {invalid ? (
          <Alert color="red" role="alert" title={t('hours.refused')} />
        ) : action.failure !== null ? (
          <ErrorState error={action.failure} />
        ) : null}
        <Group>
          <Button type="submit" loading={action.busy}>
            {t('hours.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EditorFor({ practitioner }: { practitioner: string }) {
  const { t } = useI18n();
  const scheduling = useScheduling();
  const [version, setVersion] = useState(0);
  const q = useQuery(`availability/${practitioner}/${version}`, () => scheduling.availability(practitioner));
  // A save reloads the editor from what the server kept (never from the answer before it).
  if (q.loading) return <Loading label={t('app.loading')} />;
  if (q.error instanceof ApiError && q.error.kind === 'not-found')
    return <Alert color="yellow" title={t('hours.none')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  return <Editor key={version} initial={q.data} onSaved={() => setVersion((v) => v + 1)} />;
}

/** A clinician's hours and time off (`/schedule/availability`): their own, or any for the front desk. */
/**
 * A card of editable rows (date overrides, time off): each row a labelled group of its fields and a
 * remove button, then an add button; `update` changes one row in place.
 */
function RowsSection<R extends { key: number }>({
  id,
  title,
  lead,
  rows,
  setRows,
  rowLabel,
  removeLabel,
  addLabel,
  newRow,
  fields,
}: {
  id: string;
  title: string;
  lead: string;
  rows: R[];
  setRows: Dispatch<SetStateAction<R[]>>;
  rowLabel(n: number): string;
  removeLabel(n: number): string;
  addLabel: string;
  newRow(): R;
  fields(row: R, update: (changes: Partial<R>) => void): ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card withBorder component="section" aria-labelledby={`${id}-title`}>
      <Title order={2} size="h4" id={`${id}-title`}>
        {title}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {lead}
      </Text>
      <Stack gap="sm">
        {rows.map((r, i) => (
          <Group key={r.key} align="flex-end" gap="sm" wrap="wrap" role="group" aria-label={rowLabel(i + 1)}>
            {fields(r, (changes) =>
              setRows((list) => list.map((x) => (x.key === r.key ? { ...x, ...changes } : x))),
            )}
            <Button
              variant="default"
              onClick={() => setRows((list) => list.filter((x) => x.key !== r.key))}
              aria-label={removeLabel(i + 1)}
            >
              {t('hours.remove')}
            </Button>
          </Group>
        ))}
        <div>
          <Button variant="outline" size="xs" onClick={() => setRows((list) => [...list, newRow()])}>
            {addLabel}
          </Button>
        </div>
      </Stack>
    </Card>
  );
}

export default function Availability() {
  const { t } = useI18n();
  return (
    <ClinicianPage title={t('hours.title')} lead={t('hours.lead')} back={t('hours.back')}>
      {(practitioner) => <EditorFor practitioner={practitioner} />}
    </ClinicianPage>
  );
}
