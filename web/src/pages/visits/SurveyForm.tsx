import { Button, Radio, Stack, Text, Textarea, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import {
  SATISFACTION_COMMENT_MAX,
  satisfactionProblems,
  type SatisfactionAnswers,
} from '../../../../server/src/modules/visits/checkin/survey.js';
import { useI18n } from '../../i18n/I18nProvider.js';

const SCORES = [1, 2, 3, 4, 5] as const;

/**
 * The end-of-visit survey: a 1-5 rating as labelled radio buttons and an optional comment,
 * checked as the server checks them (survey.ts). `onSubmit` gets `{ score, comment? }`.
 */
export function SurveyForm({
  onSubmit,
  busy = false,
  headingLevel = 2,
}: {
  onSubmit: (answers: SatisfactionAnswers) => void;
  busy?: boolean;
  headingLevel?: 2 | 3;
}) {
  const { t } = useI18n();
  const [score, setScore] = useState('');
  const [comment, setComment] = useState('');
  const [tried, setTried] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const answers = (): SatisfactionAnswers => ({
    score: score === '' ? Number.NaN : Number(score),
    ...(comment.trim() ? { comment: comment.trim() } : {}),
  });
  const problems = tried ? satisfactionProblems(answers()) : [];
  const scoreProblem = problems.some((p) => p.linkId === 'score');
  const commentProblem = problems.some((p) => p.linkId === 'comment');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    const a = answers();
    const found = satisfactionProblems(a);
    if (found.length === 0) {
      onSubmit(a);
      return;
    }
    // To the first question that needs attention.
    const target = found[0]?.linkId === 'score' ? 'input[type=radio]' : 'textarea';
    formRef.current?.querySelector<HTMLElement>(target)?.focus();
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="survey-title">
      <Stack gap="md">
        <Title order={headingLevel} id="survey-title">
          {t('checkin.survey.title')}
        </Title>
        <Radio.Group
          label={t('checkin.survey.score')}
          required
          value={score}
          onChange={setScore}
          error={scoreProblem ? t('checkin.survey.pickScore') : undefined}
        >
          <Stack gap={6} mt={6}>
            {SCORES.map((n) => (
              <Radio key={n} value={String(n)} label={t(`checkin.survey.score.${n}`)} />
            ))}
          </Stack>
        </Radio.Group>
        <Stack gap={2}>
          <Textarea
            label={t('checkin.survey.comment')}
            description={t('checkin.survey.commentHint')}
            value={comment}
            maxLength={SATISFACTION_COMMENT_MAX}
            autosize
            minRows={3}
            maxRows={8}
            onChange={(e) => setComment(e.currentTarget.value)}
            error={
              commentProblem ? t('checkin.problem.too-long', { max: SATISFACTION_COMMENT_MAX }) : undefined
            }
          />
          <Text size="xs" c="dimmed">
            {t('checkin.characters', { count: [...comment].length, max: SATISFACTION_COMMENT_MAX })}
          </Text>
        </Stack>
        <div>
          <Button type="submit" loading={busy}>
            {t('checkin.survey.submit')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}
