import { Anchor, Button, Card, Container, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { FhirResource } from '../api/fhir-client.js';
import { displayName } from '../api/fhir-text.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { EmptyState } from '../ui/EmptyState.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { PatientFinder } from '../ui/PatientFinder.js';
import type { BannerPatient } from '../ui/PatientBanner.js';
import { recentPatients } from '../ui/recent-patients.js';

type Patient = BannerPatient & FhirResource;

function RecentPatients() {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const ids = recentPatients();
  const q = useQuery(`recent/${ids.join(',')}`, async () =>
    ids.length === 0
      ? []
      : fhir.search<Patient>('Patient', { _id: ids.join(','), _count: String(ids.length) }),
  );
  const byId = new Map((q.data ?? []).map((p) => [p.id, p]));
  return (
    <Card withBorder component="section" aria-labelledby="recent-title">
      <Title order={2} size="h4" id="recent-title" mb="xs">
        {t('search.recent')}
      </Title>
      {ids.length === 0 ? (
        <EmptyState>{t('search.noRecent')}</EmptyState>
      ) : (
        <List size="sm" spacing={4}>
          {ids
            .filter((id) => byId.has(id))
            .map((id) => (
              <List.Item key={id}>
                <Anchor component={Link} to={`/patients/${id}`}>
                  {displayName(byId.get(id)?.name)}
                </Anchor>
              </List.Item>
            ))}
        </List>
      )}
    </Card>
  );
}

/** The clinician workspace's start: search the patients in one's care, recent charts, open by id. */
export default function PatientSearch() {
  const { t } = useI18n();
  const { tokens } = useAuth();
  const navigate = useNavigate();
  const [chartId, setChartId] = useState('');
  if (!tokens) return <ToSignIn />;

  return (
    <PageLayout>
      <Container size="lg" py="md">
        <Stack gap="lg">
          <PageHeading title={t('search.title')} lead={t('search.lead')} />
          <PatientFinder
            formLabel={t('search.title')}
            needCriteria={t('search.needCriteria')}
            none={t('search.none')}
            nameCell={(p) => (
              <Anchor component={Link} to={`/patients/${p.id ?? ''}`}>
                {displayName(p.name)}
              </Anchor>
            )}
          />
          <RecentPatients />
          <Card withBorder component="section" aria-labelledby="by-id-title">
            <Title order={2} size="h4" id="by-id-title">
              {t('search.byId')}
            </Title>
            <Text size="sm" c="dimmed" mb="xs">
              {t('search.byIdHint')}
            </Text>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const id = chartId.trim();
                if (/^[A-Za-z0-9\-.]{1,64}$/.test(id)) void navigate(`/patients/${id}`);
              }}
            >
              <Group align="flex-end">
                <TextInput
                  label={t('search.patientId')}
                  value={chartId}
                  onChange={(e) => setChartId(e.currentTarget.value)}
                  autoComplete="off"
                />
                <Button type="submit" variant="outline">
                  {t('search.open')}
                </Button>
              </Group>
            </form>
          </Card>
        </Stack>
      </Container>
    </PageLayout>
  );
}
