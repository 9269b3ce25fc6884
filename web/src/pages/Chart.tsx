import { Alert, Button, Container, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useParams } from 'react-router';
import { ApiError } from '../api/api-error.js';
import type { FhirResource } from '../api/fhir-client.js';
import { buildTimeline, type Dated } from '../api/timeline.js';
import { useAction } from '../api/use-action.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ActionStatus } from '../ui/ActionStatus.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { rememberPatient } from '../ui/recent-patients.js';
import { loadRecordSummary, RecordSummary } from '../ui/RecordSummary.js';
import { Timeline } from '../ui/Timeline.js';

/** Outside a care relationship a chart does not exist for the caller: break-glass opens it, with a reason. */
function BreakGlass({ patientId, onOpened }: { patientId: string; onOpened: () => void }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const action = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = reason.trim();
    setTooShort(text.length < 10);
    if (text.length < 10) return;
    const opened = await action.run(() =>
      fhir.request(`Patient/${patientId}/$break-glass`, {
        method: 'POST',
        body: { resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: text }] },
      }),
    );
    if (opened) onOpened();
  };

  return (
    <Stack gap="md">
      <Title order={1}>{t('chart.noChart')}</Title>
      <Text>{t('chart.noChartBody')}</Text>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="sm" maw={560}>
          <Textarea
            label={t('chart.reason')}
            description={t('chart.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={tooShort ? t('chart.reasonShort') : undefined}
            required
            minRows={3}
            autosize
          />
          <div>
            <Button type="submit" color="red" loading={action.busy}>
              {t('chart.breakGlass')}
            </Button>
          </div>
          <ActionStatus action={action} />
        </Stack>
      </form>
    </Stack>
  );
}

/** A patient's chart in the clinician workspace. */
export default function Chart() {
  const { t } = useI18n();
  const { fhir, tokens } = useAuth();
  const { id = '' } = useParams();
  const [brokeGlass, setBrokeGlass] = useState(false);
  const q = useQuery(`chart/${id}/${String(brokeGlass)}`, async () => {
    const [summary, immunizations, results] = await Promise.all([
      loadRecordSummary(fhir, id, { encounters: true }),
      fhir.search<FhirResource & Dated>('Immunization', { patient: id, _sort: '-date', _count: '50' }),
      fhir.search<FhirResource & Dated>('Observation', {
        patient: id,
        category: 'laboratory',
        _sort: '-date',
        _count: '200',
      }),
    ]);
    const timeline = buildTimeline({
      encounters: summary.encounters ?? [],
      conditions: summary.conditions,
      immunizations,
      results,
    });
    return { summary, timeline };
  });
  useEffect(() => {
    if (q.data) rememberPatient(id);
  }, [q.data, id]);
  if (!tokens) return <Navigate to="/" replace />;

  const outOfReach = q.error instanceof ApiError && q.error.kind === 'not-found';
  return (
    <PageLayout>
      <Container size="lg" py="md">
        {q.loading && !q.data ? (
          <Loading label={t('app.loading')} />
        ) : outOfReach ? (
          <BreakGlass patientId={id} onOpened={() => setBrokeGlass(true)} />
        ) : q.error || !q.data ? (
          <ErrorState error={q.error} onRetry={q.retry} />
        ) : (
          <Stack gap="md">
            <Title order={1} className="ov-visually-hidden">
              {t('nav.patients')}
            </Title>
            {brokeGlass && (
              <Alert color="red" role="status">
                {t('chart.breakGlassActive')}
              </Alert>
            )}
            <RecordSummary data={q.data.summary} />
            <Timeline events={q.data.timeline} />
          </Stack>
        )}
      </Container>
    </PageLayout>
  );
}
