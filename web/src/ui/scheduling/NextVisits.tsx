import { Anchor, Card, Group, List, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { modalityOf, participantId, visitTypeName } from '../../api/scheduling.js';
import { useQuery } from '../../api/use-query.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { formatWhen } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { EmptyState } from '../EmptyState.js';
import { ErrorState } from '../ErrorState.js';
import { Loading } from '../Loading.js';
import { modalityName } from './labels.js';
import { loadNextVisits } from './load.js';

/** The home page's "Next visits": the next three booked visits, and the ways to book or see all. */
export function NextVisits({ patientId }: { patientId: string }) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const q = useQuery(`next-visits/${patientId}`, () => loadNextVisits(fhir, patientId));
  return (
    <Card withBorder component="section" aria-labelledby="next-visits-title">
      <Title order={2} size="h4" id="next-visits-title" mb="xs">
        {t('home.nextVisits')}
      </Title>
      {q.loading && !q.data ? (
        <Loading label={t('app.loading')} />
      ) : q.error || !q.data ? (
        <ErrorState error={q.error} onRetry={q.retry} />
      ) : q.data.visits.length === 0 ? (
        <EmptyState>{t('appts.noUpcoming')}</EmptyState>
      ) : (
        <List spacing="xs" listStyleType="none" ml={0} pl={0}>
          {q.data.visits.map((a) => {
            const clinician = q.data?.names.get(participantId(a, 'Practitioner') ?? '');
            const modality = modalityOf(a);
            return (
              <List.Item key={a.id}>
                <Anchor component={Link} to={`/appointments/${a.id ?? ''}`} fw={600}>
                  {a.start ? formatWhen(a.start, locale, timeZone) : visitTypeName(a)}
                </Anchor>
                <Text size="sm">
                  {[
                    visitTypeName(a),
                    clinician ? t('appts.with', { name: clinician }) : '',
                    modality ? modalityName(t, modality) : '',
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Text>
              </List.Item>
            );
          })}
        </List>
      )}
      <Group gap="md" mt="sm">
        <Anchor component={Link} to="/appointments/book">
          {t('appts.book')}
        </Anchor>
        <Anchor component={Link} to="/appointments">
          {t('appts.all')}
        </Anchor>
      </Group>
    </Card>
  );
}
