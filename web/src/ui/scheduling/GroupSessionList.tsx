import { Alert, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { participantId, refusalOf, seatsOf, type Appointment, type VisitType } from '../../api/scheduling.js';
import { useAction } from '../../api/use-action.js';
import { useQuery } from '../../api/use-query.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { formatWhen } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { EmptyState } from '../EmptyState.js';
import { ErrorState } from '../ErrorState.js';
import { Loading } from '../Loading.js';
import { namesOf, useScheduling } from './hooks.js';

/** A group visit type's planned sessions with the seats left; joining takes a seat. */
export function GroupSessionList({
  visitType,
  patientId,
  onJoined,
}: {
  visitType: VisitType;
  patientId: string;
  onJoined(a: Appointment): void;
}) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const scheduling = useScheduling();
  const action = useAction();
  const [joining, setJoining] = useState<string | null>(null);
  const q = useQuery(`sessions/${visitType.id}`, async () => {
    const sessions = await scheduling.groupSessions(visitType.id);
    const names = await namesOf(
      fhir,
      'Practitioner',
      sessions.map((s) => participantId(s, 'Practitioner') ?? ''),
    ).catch(() => new Map<string, string>());
    return { sessions, names };
  });
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const { sessions, names } = q.data;
  if (sessions.length === 0) return <EmptyState>{t('book.noSessions')}</EmptyState>;
  const join = async (session: Appointment) => {
    setJoining(session.id ?? null);
    let seat: Appointment | undefined;
    const ok = await action.run(async () => {
      seat = await scheduling.join(session.id ?? '', patientId);
    });
    if (ok && seat) onJoined(seat);
  };
  const refusal = action.failure ? refusalOf(action.failure) : null;
  return (
    <Stack gap="sm">
      {refusal &&
        (refusal.kind === 'taken' ? (
          <Alert color="yellow" role="alert" title={t('book.sessionFull')} />
        ) : refusal.kind === 'other' ? (
          <ErrorState error={refusal.error} />
        ) : (
          <Alert color="yellow" role="alert" title={t('book.notAllowed')} />
        ))}
      <Stack component="ul" gap="sm" className="ov-plain-list">
        {sessions.map((s) => {
          const seats = seatsOf(s, visitType.groupCapacity);
          const left = seats ? Math.max(0, seats.capacity - seats.taken) : undefined;
          const when = formatWhen(s.start ?? '', locale, timeZone);
          const practitioner = participantId(s, 'Practitioner');
          return (
            <Card component="li" withBorder key={s.id}>
              <Group justify="space-between" wrap="wrap">
                <div>
                  <Text fw={600}>{when}</Text>
                  <Text size="sm">{practitioner ? (names.get(practitioner) ?? '') : ''}</Text>
                  {left !== undefined && (
                    <Text size="sm" c="dimmed">
                      {t('book.seatsLeft', { left, capacity: seats?.capacity ?? 0 })}
                    </Text>
                  )}
                </div>
                <Button
                  disabled={left === 0}
                  loading={action.busy && joining === s.id}
                  onClick={() => void join(s)}
                  aria-label={t('book.joinSession', { when })}
                >
                  {t('book.join')}
                </Button>
              </Group>
            </Card>
          );
        })}
      </Stack>
    </Stack>
  );
}
