import { Button, Stack } from '@mantine/core';
import { type ReactNode } from 'react';
import { cliniciansOf, type VisitType } from '../../api/scheduling.js';
import { useQuery } from '../../api/use-query.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { EmptyState } from '../EmptyState.js';
import { ErrorState } from '../ErrorState.js';
import { Loading } from '../Loading.js';
import { useScheduling } from './hooks.js';
import { type SlotFilters } from './TimePicker.js';

/** How far ahead "who has free times" looks, in days. */
const CLINICIAN_LOOKAHEAD_DAYS = 28;
const DAY_MS = 86_400_000;

/** "First available" and every clinician with free times in the next weeks who fits the filters. */
export function ClinicianChoice({
  visitType,
  filters,
  selected,
  onPick,
  waitlist,
}: {
  visitType: VisitType;
  filters: SlotFilters;
  selected: string | null;
  onPick(id: string | null): void;
  waitlist: ReactNode;
}) {
  const { t } = useI18n();
  const scheduling = useScheduling();
  const q = useQuery(`clinicians/${visitType.id}/${filters.state ?? ''}/${filters.language ?? ''}`, () => {
    const now = Date.now();
    return scheduling.find({
      visitType: visitType.id,
      start: now,
      end: now + CLINICIAN_LOOKAHEAD_DAYS * DAY_MS,
      count: 1000,
      ...filters,
    });
  });
  if (q.loading) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const clinicians = cliniciansOf(q.data);
  if (clinicians.length === 0)
    return (
      <Stack gap="sm">
        <EmptyState>{t('book.noClinicians')}</EmptyState>
        {waitlist}
      </Stack>
    );
  return (
    <Stack gap="sm">
      <Button
        variant={selected === null ? 'filled' : 'default'}
        size="md"
        justify="flex-start"
        onClick={() => onPick(null)}
      >
        {t('book.firstAvailable')}
      </Button>
      {clinicians.map((c) => (
        <Button
          key={c.id}
          variant={selected === c.id ? 'filled' : 'default'}
          size="md"
          justify="flex-start"
          onClick={() => onPick(c.id)}
        >
          {c.name}
        </Button>
      ))}
    </Stack>
  );
}
