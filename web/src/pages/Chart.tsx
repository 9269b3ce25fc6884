import { Alert, Button, Container, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../api/api-error.js';
import { buildTimeline } from '../api/timeline.js';
import { useAction } from '../api/use-action.js';
import { useQuery } from '../api/use-query.js';
import { useAuth } from '../auth/AuthProvider.js';
import { ToSignIn } from '../auth/ToSignIn.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ActionStatus } from '../ui/ActionStatus.js';
import { ErrorState } from '../ui/ErrorState.js';
import { Loading } from '../ui/Loading.js';
import { PageLayout } from '../ui/PageLayout.js';
import { rememberPatient } from '../ui/recent-patients.js';
import { useRecordParts } from '../ui/RecordParts.js';
import { RecordTabs } from '../ui/RecordTabs.js';
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

/** A patient's chart in the clinician workspace: summary, then timeline and the record's lists. */
export default function Chart() {
  const { t } = useI18n();
  const { fhir, tokens } = useAuth();
  const { id = '' } = useParams();
  const [brokeGlass, setBrokeGlass] = useState(false);
  const q = useQuery(`chart/${id}/${String(brokeGlass)}`, () =>
    loadRecordSummary(fhir, id, { encounters: true }),
  );
  const parts = useRecordParts(id, String(brokeGlass));
  const timeline = useMemo(
    () =>
      q.data && parts.immunizations.data && parts.results.data
        ? buildTimeline({
            encounters: q.data.encounters ?? [],
            conditions: q.data.conditions,
            immunizations: parts.immunizations.data,
            results: parts.results.data,
          })
        : null,
    [q.data, parts.immunizations.data, parts.results.data],
  );
  useEffect(() => {
    if (q.data) rememberPatient(id);
  }, [q.data, id]);
  if (!tokens) return <ToSignIn />;

  const outOfReach = q.error instanceof ApiError && q.error.kind === 'not-found';
  const timelineError = parts.immunizations.error ?? parts.results.error;
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
            <RecordSummary data={q.data} />
            <RecordTabs
              parts={parts}
              first={{
                value: 'timeline',
                label: t('chart.timeline'),
                panel: timeline ? (
                  <Timeline events={timeline} />
                ) : timelineError ? (
                  <ErrorState
                    error={timelineError}
                    onRetry={() => {
                      parts.immunizations.retry();
                      parts.results.retry();
                    }}
                  />
                ) : (
                  <Loading label={t('app.loading')} />
                ),
              }}
            />
          </Stack>
        )}
      </Container>
    </PageLayout>
  );
}
