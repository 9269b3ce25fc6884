import { Anchor, Button, Card, Container, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { FhirResource } from '../api/fhir-client.js';
import { displayName, medicalRecordNumber } from '../api/fhir-text.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { DataTable } from '../ui/DataTable.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
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
  const { t, locale, timeZone } = useI18n();
  const { fhir, tokens } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', birthDate: '', identifier: '' });
  const [criteria, setCriteria] = useState<Record<string, string> | null>(null);
  const [missing, setMissing] = useState(false);
  const [chartId, setChartId] = useState('');
  const key = criteria ? JSON.stringify(criteria) : '';
  const results = useQuery(`search/${key}`, async () =>
    criteria ? fhir.search<Patient>('Patient', { ...criteria, _count: '50' }) : [],
  );
  if (!tokens) return <ToSignIn />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (form.name.trim()) next.name = form.name.trim();
    if (form.birthDate) next.birthdate = form.birthDate;
    if (form.identifier.trim()) next.identifier = form.identifier.trim();
    setMissing(Object.keys(next).length === 0);
    if (Object.keys(next).length > 0) setCriteria(next);
  };

  return (
    <PageLayout>
      <Container size="lg" py="md">
        <Stack gap="lg">
          <PageHeading title={t('search.title')} lead={t('search.lead')} />
          <form onSubmit={submit} aria-label={t('search.title')} noValidate>
            <Group align="flex-end" wrap="wrap">
              <TextInput
                label={t('search.name')}
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
                autoComplete="off"
              />
              <TextInput
                label={t('search.birthDate')}
                type="date"
                value={form.birthDate}
                onChange={(e) => setForm({ ...form, birthDate: e.currentTarget.value })}
              />
              <TextInput
                label={t('search.identifier')}
                value={form.identifier}
                onChange={(e) => setForm({ ...form, identifier: e.currentTarget.value })}
                autoComplete="off"
              />
              <Button type="submit">{t('search.submit')}</Button>
            </Group>
            {missing && (
              <Text role="alert" c="red.8" size="sm" mt="xs">
                {t('search.needCriteria')}
              </Text>
            )}
          </form>
          {criteria && (
            <section aria-labelledby="results-title">
              <Title order={2} size="h4" id="results-title" mb="xs">
                {t('search.results')}
              </Title>
              {results.loading ? (
                <Loading label={t('app.loading')} />
              ) : results.error ? (
                <ErrorState error={results.error} onRetry={results.retry} />
              ) : (results.data ?? []).length === 0 ? (
                <EmptyState>{t('search.none')}</EmptyState>
              ) : (
                <DataTable
                  caption={t('search.results')}
                  minWidth={480}
                  rows={results.data ?? []}
                  rowKey={(p, i) => p.id ?? String(i)}
                  columns={[
                    {
                      key: 'name',
                      header: t('search.name'),
                      cell: (p) => (
                        <Anchor component={Link} to={`/patients/${p.id ?? ''}`}>
                          {displayName(p.name)}
                        </Anchor>
                      ),
                    },
                    {
                      key: 'birthDate',
                      header: t('search.birthDate'),
                      cell: (p) => (p.birthDate ? formatDate(p.birthDate, locale, timeZone) : ''),
                    },
                    {
                      key: 'identifier',
                      header: t('search.identifier'),
                      cell: (p) => medicalRecordNumber(p.identifier) ?? '',
                    },
                  ]}
                />
              )}
            </section>
          )}
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
