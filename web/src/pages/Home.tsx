import { Card, Container, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Navigate } from 'react-router';
import type { FhirResource } from '../api/fhir-client.js';
import { conceptText, firstName, type CodeableConcept } from '../api/fhir-text.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import type { MessageKey } from '../i18n/en.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { PatientBanner, type BannerPatient } from '../ui/PatientBanner.js';

interface Summary {
  patient: BannerPatient & FhirResource;
  conditions: { id?: string; code?: CodeableConcept; onsetDateTime?: string }[];
  medications: { id?: string; medicationCodeableConcept?: CodeableConcept }[];
  allergies: { id?: string; code?: CodeableConcept }[];
}

function Section({
  title,
  items,
}: {
  title: MessageKey;
  items: { key: string; text: string; note?: string }[];
}) {
  const { t } = useI18n();
  return (
    <Card withBorder radius="md" component="section" aria-labelledby={`section-${title}`}>
      <Title order={2} size="h4" id={`section-${title}`} mb="xs">
        {t(title)}
      </Title>
      {items.length === 0 ? (
        <EmptyState>{t('record.empty')}</EmptyState>
      ) : (
        <List spacing={4} size="sm">
          {items.map((i) => (
            <List.Item key={i.key}>
              {i.text}
              {i.note && (
                <Text span c="dimmed" size="sm">
                  {' '}
                  ({i.note})
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}

/** A patient's home: who they are and their active problems, medicines and allergies. */
function PatientHome({ patientId }: { patientId: string }) {
  const { t, locale, timeZone } = useI18n();
  const { fhir } = useAuth();
  const q = useQuery(`home/${patientId}`, async (): Promise<Summary> => {
    const subject = { patient: patientId, _count: '50' };
    const [patient, conditions, medications, allergies] = await Promise.all([
      fhir.read<Summary['patient']>(`Patient/${patientId}`),
      fhir.search<FhirResource & Summary['conditions'][number]>('Condition', {
        ...subject,
        'clinical-status': 'active',
      }),
      fhir.search<FhirResource & Summary['medications'][number]>('MedicationRequest', {
        ...subject,
        status: 'active',
      }),
      fhir.search<FhirResource & Summary['allergies'][number]>('AllergyIntolerance', subject),
    ]);
    return { patient, conditions, medications, allergies };
  });
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  const { patient, conditions, medications, allergies } = q.data;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('home.greeting', { name: firstName(patient.name) })}</Title>
        <Text c="dimmed">{t('home.lead')}</Text>
      </div>
      <PatientBanner patient={patient} />
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Section
          title="record.conditions"
          items={conditions.map((c, i) => ({
            key: c.id ?? String(i),
            text: conceptText(c.code),
            ...(c.onsetDateTime
              ? {
                  note: t('record.since', {
                    date: formatDate(c.onsetDateTime.slice(0, 10), locale, timeZone),
                  }),
                }
              : {}),
          }))}
        />
        <Section
          title="record.medications"
          items={medications.map((m, i) => ({
            key: m.id ?? String(i),
            text: conceptText(m.medicationCodeableConcept),
          }))}
        />
        <Section
          title="record.allergies"
          items={allergies.map((a, i) => ({ key: a.id ?? String(i), text: conceptText(a.code) }))}
        />
      </SimpleGrid>
    </Stack>
  );
}

/** Home: the patient portal for patients, the workspace's start for staff. */
export default function Home() {
  const { t } = useI18n();
  const { tokens } = useAuth();
  if (!tokens) return <Navigate to="/" replace />;
  const [type, id] = (tokens.fhirUser ?? '').split('/');
  return (
    <PageLayout>
      <Container size="lg" py="md">
        {type === 'Patient' && id ? (
          <PatientHome patientId={id} />
        ) : (
          <Stack>
            <Title order={1}>{t('nav.home')}</Title>
            <Text>{t('home.staffLead')}</Text>
          </Stack>
        )}
      </Container>
    </PageLayout>
  );
}
