import { Button, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { Link } from 'react-router';
import { modalityOf, type Appointment } from '../api/scheduling.js';
import { formatWhen } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { joinWindow } from './join-window.js';
import { useNow } from './use-now.js';

/**
 * "Join video visit" on a booked video appointment: a link to the visit from 15 minutes before the
 * start; before that, a disabled button and when check-in opens. Nothing for other modalities or
 * once the visit can no longer be joined.
 */
export function JoinVideoVisit({
  appointment: a,
  describedBy,
}: {
  appointment: Appointment;
  describedBy?: string;
}) {
  const { t, locale, timeZone } = useI18n();
  const now = useNow(30_000);
  const noteId = useId();
  if (modalityOf(a) !== 'video' || !a.id) return null;
  const w = joinWindow(a, now);
  if (!w || w.phase === 'over') return null;
  if (w.phase === 'early')
    return (
      <Stack gap={4} align="flex-start">
        <Button disabled aria-describedby={[describedBy, noteId].filter(Boolean).join(' ')}>
          {t('visit.join')}
        </Button>
        <Text size="sm" id={noteId}>
          {t('visit.join.opensAt', { when: formatWhen(w.opensAt, locale, timeZone) })}
        </Text>
      </Stack>
    );
  return (
    <Button
      component={Link}
      to={`/visits/appointment/${encodeURIComponent(a.id)}`}
      aria-describedby={describedBy}
    >
      {t('visit.join')}
    </Button>
  );
}
