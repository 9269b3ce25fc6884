import { Container, Stack, Text, Title } from '@mantine/core';
import { Navigate } from 'react-router';
import { firstName } from '../api/fhir-text.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { loadRecordSummary, RecordSummary } from '../ui/RecordSummary.js';

/** A patient's home: who they are and their active problems, medicines and allergies. */
function PatientHome({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const q = useQuery(`home/${patientId}`, () => loadRecordSummary(fhir, patientId, { encounters: false }));
  if (q.loading && !q.data) return <Loading label={t('app.loading')} />;
  if (q.error || !q.data) return <ErrorState error={q.error} onRetry={q.retry} />;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('home.greeting', { name: firstName(q.data.patient.name) })}</Title>
        <Text c="dimmed">{t('home.lead')}</Text>
      </div>
      <RecordSummary data={q.data} />
    </Stack>
  );
}

/** Home: the patient portal for patients; staff start at patient search. */
export default function Home() {
  const { t } = useI18n();
  const { tokens } = useAuth();
  if (!tokens) return <Navigate to="/" replace />;
  const [type, id] = (tokens.fhirUser ?? '').split('/');
  if (type === 'Practitioner') return <Navigate to="/patients" replace />;
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
