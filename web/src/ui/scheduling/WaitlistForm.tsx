import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { addDays, dayBounds, localDate } from '../../api/local-days.js';
import type { Appointment, VisitType } from '../../api/scheduling.js';
import { useAction } from '../../api/use-action.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../ErrorState.js';
import { useScheduling } from './hooks.js';

/**
 * Joining the waitlist for a range of days the patient can do (whole days in their zone): when a
 * time in it frees up, it is offered to them first, held for a while, to accept or decline.
 */
export function WaitlistForm({
  visitType,
  patientId,
  practitioner,
  from,
  onJoined,
}: {
  visitType: VisitType;
  patientId: string;
  practitioner: string | undefined;
  from?: string;
  onJoined(a: Appointment): void;
}) {
  const { t, timeZone } = useI18n();
  const scheduling = useScheduling();
  const action = useAction();
  const today = localDate(Date.now(), timeZone);
  const start = from && from > today ? from : today;
  const [range, setRange] = useState({ from: start, to: addDays(start, 13) });
  const [invalid, setInvalid] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(range.from) && /^\d{4}-\d{2}-\d{2}$/.test(range.to);
    const bad = !ok || range.to < range.from || range.to < today;
    setInvalid(bad);
    if (bad) return;
    let joined: Appointment | undefined;
    const done = await action.run(async () => {
      joined = await scheduling.waitlist({
        visitType: visitType.id,
        start: dayBounds(range.from < today ? today : range.from, timeZone).start,
        end: dayBounds(range.to, timeZone).end,
        patient: patientId,
        ...(practitioner ? { practitioner } : {}),
      });
    });
    if (done && joined) onJoined(joined);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('book.waitlist')}>
      <Stack gap="sm">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            type="date"
            label={t('book.waitFrom')}
            value={range.from}
            min={today}
            onChange={(e) => setRange({ ...range, from: e.currentTarget.value })}
          />
          <TextInput
            type="date"
            label={t('book.waitTo')}
            value={range.to}
            min={range.from}
            onChange={(e) => setRange({ ...range, to: e.currentTarget.value })}
          />
          <Button type="submit" variant="outline" loading={action.busy}>
            {t('book.waitlist')}
          </Button>
        </Group>
        {invalid && (
          <Text role="alert" c="red.8" size="sm">
            {t('book.badRange')}
          </Text>
        )}
        {action.failure !== null && <ErrorState error={action.failure} />}
      </Stack>
    </form>
  );
}
