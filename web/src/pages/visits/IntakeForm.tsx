import {
  Alert,
  Button,
  Checkbox,
  NumberInput,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import {
  integerBounds,
  maxLengthOf,
  optionCode,
  type AnswerProblem,
} from '../../../../server/src/modules/visits/checkin/answers.js';
import type {
  Questionnaire,
  QuestionnaireItem,
} from '../../../../server/src/modules/visits/checkin/fhir-types.js';
import { intakeProblems, type IntakeAnswers } from '../../../../server/src/modules/visits/checkin/intake.js';
import { en, type MessageKey } from '../../i18n/en.js';
import { useI18n } from '../../i18n/I18nProvider.js';

type Draft = Record<string, string | number | boolean | undefined>;
type T = ReturnType<typeof useI18n>['t'];

/** A key of the catalog, when it has one: the app's words for a known item, else the Questionnaire's. */
function known(key: string): MessageKey | null {
  return key in en ? (key as MessageKey) : null;
}

function itemLabel(t: T, item: QuestionnaireItem): string {
  const key = known(`checkin.intake.item.${item.linkId}`);
  return key ? t(key) : (item.text ?? item.linkId);
}

function problemText(t: T, item: QuestionnaireItem | undefined, problem: AnswerProblem['problem']): string {
  if (problem === 'out-of-range' && item) return t('checkin.problem.out-of-range', integerBounds(item));
  if (problem === 'too-long' && item) return t('checkin.problem.too-long', { max: maxLengthOf(item) });
  return t(`checkin.problem.${problem}`);
}

/** What was typed, as the answers to send: empty fields left out, numbers as numbers. */
function answersOf(draft: Draft): IntakeAnswers {
  const out: IntakeAnswers = {};
  for (const [k, v] of Object.entries(draft)) {
    if (v === undefined || v === '') continue;
    out[k] = v;
  }
  return out;
}

/**
 * The intake Questionnaire of a visit as a form: text, string, yes/no, whole-number and choice
 * items, each with its label (the app's translation of a known item, else the Questionnaire's
 * text), a required mark, and the same checks the server makes (intake.ts), shown beside each
 * question after a first submit. `onSubmit` gets the answers once they pass.
 */
export function IntakeForm({
  questionnaire,
  onSubmit,
  busy = false,
  initial = {},
  headingLevel = 2,
}: {
  questionnaire: Questionnaire;
  onSubmit: (answers: IntakeAnswers) => void;
  busy?: boolean;
  initial?: IntakeAnswers;
  headingLevel?: 2 | 3;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(initial);
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const items = questionnaire.item ?? [];
  const byId = new Map(items.map((i) => [i.linkId, i]));

  const problems = submitted ? intakeProblems(questionnaire, answersOf(draft)) : [];
  const problemOf = (linkId: string) => {
    const p = problems.find((x) => x.linkId === linkId);
    return p ? problemText(t, byId.get(linkId), p.problem) : undefined;
  };
  const set = (linkId: string, value: string | number | boolean | undefined) =>
    setDraft((d) => ({ ...d, [linkId]: value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const answers = answersOf(draft);
    const found = intakeProblems(questionnaire, answers);
    if (found.length === 0) {
      onSubmit(answers);
      return;
    }
    // To the first question that needs attention.
    const first = found[0]?.linkId ?? '';
    formRef.current
      ?.querySelector<HTMLElement>(`[data-linkid="${CSS.escape(first)}"] :is(input, textarea)`)
      ?.focus();
  };

  const field = (item: QuestionnaireItem) => {
    const id = `intake-${item.linkId}`;
    const label = itemLabel(t, item);
    const hintKey = known(`checkin.intake.hint.${item.linkId}`);
    const common = {
      label,
      required: item.required ?? false,
      error: problemOf(item.linkId),
      ...(hintKey ? { description: t(hintKey) } : {}),
    };
    const value = draft[item.linkId];

    switch (item.type) {
      case 'display':
        return (
          <Alert role="note" color="red" title={t('checkin.intake.crisisTitle')}>
            {label}
          </Alert>
        );
      case 'string':
      case 'text': {
        const max = maxLengthOf(item);
        const text = typeof value === 'string' ? value : '';
        const props = {
          ...common,
          id,
          value: text,
          maxLength: max,
          onChange: (e: { currentTarget: { value: string } }) => set(item.linkId, e.currentTarget.value),
        };
        return item.type === 'text' ? (
          <Stack gap={2}>
            <Textarea {...props} autosize minRows={3} maxRows={10} />
            <Text size="xs" c="dimmed">
              {t('checkin.characters', { count: [...text].length, max })}
            </Text>
          </Stack>
        ) : (
          <TextInput {...props} />
        );
      }
      case 'integer': {
        const { min, max } = integerBounds(item);
        return (
          <NumberInput
            {...common}
            id={id}
            value={typeof value === 'number' || typeof value === 'string' ? value : ''}
            onChange={(v) => set(item.linkId, v)}
            min={min}
            max={max}
            allowDecimal={false}
            allowNegative={min < 0}
            clampBehavior="none"
            styles={{ input: { maxWidth: 200 } }}
          />
        );
      }
      case 'boolean': {
        const yes = known(`checkin.intake.yes.${item.linkId}`);
        const no = known(`checkin.intake.no.${item.linkId}`);
        if (!yes || !no)
          return (
            <Checkbox
              label={label}
              error={common.error}
              id={id}
              checked={value === true}
              onChange={(e) => set(item.linkId, e.currentTarget.checked)}
            />
          );
        return (
          <Radio.Group
            {...common}
            name={id}
            value={value === true ? 'yes' : value === false ? 'no' : ''}
            onChange={(v) => set(item.linkId, v === 'yes')}
          >
            <Stack gap={6} mt={6}>
              <Radio value="yes" label={t(yes)} />
              <Radio value="no" label={t(no)} />
            </Stack>
          </Radio.Group>
        );
      }
      case 'choice':
        return (
          <Radio.Group
            {...common}
            name={id}
            value={typeof value === 'string' ? value : ''}
            onChange={(v) => set(item.linkId, v)}
          >
            <Stack gap={6} mt={6}>
              {(item.answerOption ?? []).map((o) => {
                const code = optionCode(o) ?? '';
                const key = known(`checkin.intake.answer.${code}`);
                return (
                  <Radio key={code} value={code} label={key ? t(key) : (o.valueCoding?.display ?? code)} />
                );
              })}
            </Stack>
          </Radio.Group>
        );
      default:
        // Not answerable here (group, date, attachment…): the care team asks.
        return (
          <div>
            <Text fw={500}>{label}</Text>
            <Text size="sm" c="dimmed">
              {t('checkin.problem.unsupported-item')}
            </Text>
          </div>
        );
    }
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate>
      <Stack gap="lg">
        <div>
          <Title order={headingLevel}>{t('checkin.intake.title')}</Title>
          <Text>{t('checkin.intake.lead')}</Text>
          <Text size="sm" c="dimmed">
            {t('checkin.intake.requiredNote')}
          </Text>
        </div>
        {problems.length > 0 && <Alert color="red" role="alert" title={t('checkin.intake.fix')} />}
        {items.map((item) => (
          <div key={item.linkId} data-linkid={item.linkId}>
            {field(item)}
          </div>
        ))}
        <div>
          <Button type="submit" loading={busy}>
            {t('checkin.intake.submit')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}
