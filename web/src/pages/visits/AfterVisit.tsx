import { Alert, Anchor, Card, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import type { SatisfactionAnswers } from '../../../../server/src/modules/visits/checkin/survey.js';
import { useQuery } from '../../api/use-query.js';
import { alreadyAnswered, type VisitSummary } from '../../api/visits.js';
import { formatNumber } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Loading } from '../../ui/Loading.js';
import { useVisits } from '../../visits/use-visits.js';
import { SurveyForm } from './SurveyForm.js';

/**
 * After the visit: the next steps the clinician wrote (the patient's to keep; the clinician sees
 * what they sent), then the satisfaction survey, once per side.
 */
export function AfterVisit({ visit }: { visit: VisitSummary }) {
  const { t, locale } = useI18n();
  const visits = useVisits();
  const clinician = visit.as === 'clinician';
  const next = useQuery(`next-steps/${visit.id}`, () => visits.nextSteps(visit.id));
  const [state, setState] = useState<'open' | 'sending' | 'done'>('open');
  const [failure, setFailure] = useState<unknown>(null);

  const submit = async (answers: SatisfactionAnswers) => {
    setState('sending');
    setFailure(null);
    try {
      await visits.survey(visit.id, answers);
      setState('done');
    } catch (err) {
      if (alreadyAnswered(err)) return setState('done');
      setFailure(err);
      setState('open');
    }
  };

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{clinician ? t('visit.after.titleClinician') : t('visit.after.title')}</Title>
        {visit.lengthMinutes !== null && (
          <Text c="dimmed">
            {t('visit.after.length', {
              minutes: formatNumber(Math.max(1, Math.round(visit.lengthMinutes)), locale),
            })}
          </Text>
        )}
      </div>
      <Card withBorder component="section" aria-labelledby="next-steps-title">
        <Title order={2} size="h4" id="next-steps-title" mb="xs">
          {clinician ? t('visit.after.nextStepsSent') : t('visit.after.nextSteps')}
        </Title>
        {next.loading && next.data === undefined ? (
          <Loading label={t('app.loading')} />
        ) : next.error ? (
          <ErrorState error={next.error} onRetry={next.retry} />
        ) : next.data ? (
          <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="next-steps">
            {next.data}
          </Text>
        ) : (
          <Text c="dimmed">{t('visit.after.noNextSteps')}</Text>
        )}
      </Card>
      <div role="status" aria-live="polite">
        {state === 'done' && (
          <Alert
            role="none"
            color="green"
            title={t('visit.after.thanks')}
            // Green text on its light background is below 4.5:1: the colour is the box's.
            styles={{ title: { color: 'var(--mantine-color-text)' } }}
          />
        )}
      </div>
      {state !== 'done' && (
        <Card withBorder>
          <SurveyForm onSubmit={(a) => void submit(a)} busy={state === 'sending'} />
          {failure !== null && <ErrorState error={failure} />}
        </Card>
      )}
      <Anchor component={Link} to={clinician ? '/clinic/waiting-room' : '/appointments'}>
        {clinician ? t('visit.after.backToQueue') : t('appts.all')}
      </Anchor>
    </Stack>
  );
}
