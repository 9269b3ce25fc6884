import { Container, Stack } from '@mantine/core';
import { Navigate } from 'react-router';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { DownloadRecord } from '../ui/DownloadRecord.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageHeading } from '../ui/PageHeading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { useRecordParts } from '../ui/RecordParts.js';
import { RecordTabs } from '../ui/RecordTabs.js';
import { loadRecordSummary, RecordSummary } from '../ui/RecordSummary.js';

/** The patient's whole record, by part: overview, results, immunizations, documents. */
export default function HealthRecord() {
  const { t } = useI18n();
  const { fhir, tokens } = useAuth();
  const [type, id = ''] = (tokens?.fhirUser ?? '').split('/');
  const overview = useQuery(`record/${id}`, () => loadRecordSummary(fhir, id, { encounters: true }));
  const parts = useRecordParts(id);
  if (!tokens) return <ToSignIn />;
  if (type !== 'Patient') return <Navigate to="/home" replace />;

  return (
    <PageLayout>
      <Container size="lg" py="md">
        <Stack gap="md">
          <PageHeading title={t('record.title')} lead={t('record.lead')} />
          <DownloadRecord patientId={id} />
          <RecordTabs
            parts={parts}
            first={{
              value: 'overview',
              label: t('record.overview'),
              panel:
                overview.loading && !overview.data ? (
                  <Loading label={t('app.loading')} />
                ) : overview.error || !overview.data ? (
                  <ErrorState error={overview.error} onRetry={overview.retry} />
                ) : (
                  <RecordSummary data={overview.data} />
                ),
            }}
          />
        </Stack>
      </Container>
    </PageLayout>
  );
}
