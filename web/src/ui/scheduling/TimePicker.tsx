import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { addDays, dayBounds, daysFrom, groupByLocalDay, localDate } from '../../api/local-days.js';
import { oneTimePerStart, participantId, type Appointment } from '../../api/scheduling.js';
import { useQuery } from '../../api/use-query.js';
import { formatCalendarDay, formatTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { EmptyState } from '../EmptyState.js';
import { ErrorState } from '../ErrorState.js';
import { Loading } from '../Loading.js';
import { useScheduling } from './hooks.js';

export interface SlotFilters {
  state?: string;
  language?: string;
}

/** The key of a free time: its start and, when one was chosen, its clinician. */
export function slotKey(slot: Appointment): string {
  return `${slot.start ?? ''}|${participantId(slot, 'Practitioner') ?? ''}`;
}

/**
 * Free times of a week, grouped by the user's day. Each day is a group of radio buttons (one Tab
 * stop per day, arrow keys within it), so a time is picked by keyboard as easily as by pointer;
 * the week moves with Previous / Next or a date. With "first available" (no clinician) each time
 * is shown once: the server picks the clinician when booking.
 */
export function TimePicker({
  visitType,
  practitioner,
  filters,
  windowDays,
  first,
  onFirstChange,
  selected,
  onSelect,
  emptyWeek,
}: {
  visitType: string;
  practitioner: string | undefined;
  filters: SlotFilters;
  /** How far ahead the visit type may be booked. */
  windowDays: number;
  /** The first day shown (`YYYY-MM-DD` in the user's zone). */
  first: string;
  onFirstChange(date: string): void;
  selected: Appointment | null;
  onSelect(slot: Appointment): void;
  /** What a week without free times says (the patients' words, with the waitlist, by default). */
  emptyWeek?: string;
}) {
  const { t, locale, timeZone } = useI18n();
  const scheduling = useScheduling();
  const today = localDate(Date.now(), timeZone);
  const last = addDays(today, windowDays);
  const days = daysFrom(first, 7);
  const key = [visitType, practitioner, filters.state, filters.language, first, timeZone].join('|');
  const q = useQuery(`find/${key}`, () =>
    scheduling.find({
      visitType,
      start: dayBounds(days[0]!, timeZone).start,
      end: dayBounds(days[6]!, timeZone).end,
      count: 1000,
      ...(practitioner ? { practitioner } : {}),
      ...filters,
    }),
  );
  const slots = practitioner ? (q.data ?? []) : oneTimePerStart(q.data ?? []);
  const groups = groupByLocalDay(slots, timeZone, days);
  const selectedKey = selected ? slotKey(selected) : '';
  const range = t('book.weekOf', {
    first: formatCalendarDay(days[0]!, locale),
    last: formatCalendarDay(days[6]!, locale),
  });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Group gap="xs" wrap="wrap">
          <Button
            variant="default"
            onClick={() => onFirstChange(maxDate(today, addDays(first, -7)))}
            disabled={first <= today}
          >
            {t('book.previousWeek')}
          </Button>
          <Button
            variant="default"
            onClick={() => onFirstChange(addDays(first, 7))}
            disabled={addDays(first, 7) > last}
          >
            {t('book.nextWeek')}
          </Button>
        </Group>
        <TextInput
          type="date"
          label={t('book.from')}
          value={first}
          min={today}
          max={last}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (/^\d{4}-\d{2}-\d{2}$/.test(v)) onFirstChange(v < today ? today : v > last ? last : v);
          }}
        />
      </Group>
      <Text fw={600} aria-live="polite">
        {range}
      </Text>
      {q.loading ? (
        <Loading label={t('app.loading')} />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={q.retry} />
      ) : (
        <Stack gap="sm">
          {slots.length === 0 && <EmptyState>{emptyWeek ?? t('book.noTimesWeek')}</EmptyState>}
          {groups.map(({ date, items }) => (
            <fieldset key={date} className="ov-day">
              <legend className="ov-day-legend">{formatCalendarDay(date, locale)}</legend>
              {items.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('book.noTimesDay')}
                </Text>
              ) : (
                <div className="ov-slots">
                  {items.map((slot) => {
                    const k = slotKey(slot);
                    return (
                      <label key={k} className="ov-slot" data-checked={k === selectedKey || undefined}>
                        <input
                          type="radio"
                          name={`slot-${date}`}
                          value={k}
                          checked={k === selectedKey}
                          onChange={() => onSelect(slot)}
                        />
                        <span>{formatTime(Date.parse(slot.start ?? ''), locale, timeZone)}</span>
                      </label>
                    );
                  })}
                </div>
              )}
            </fieldset>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}
