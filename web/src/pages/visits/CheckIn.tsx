import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { DeviceCheckResult } from '../../../../server/src/modules/visits/checkin/device-check.js';
import type { IntakeAnswers } from '../../../../server/src/modules/visits/checkin/intake.js';
import { ApiError, outcomeDiagnostics } from '../../api/api-error.js';
import { authFetch } from '../../api/network-test.js';
import { useQuery } from '../../api/use-query.js';
import type { VisitSummary } from '../../api/visits.js';
import { useAuth } from '../../auth/AuthProvider.js';
import { formatWhen } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Loading } from '../../ui/Loading.js';
import { useNow } from '../../visits/use-now.js';
import { useVisits } from '../../visits/use-visits.js';
import { ConsentStep } from './ConsentStep.js';
import { DeviceCheck } from './DeviceCheck.js';
import { IntakeForm } from './IntakeForm.js';

type Step = 'birth-date' | 'intake' | 'consent' | 'device';
const STEPS: readonly Step[] = ['birth-date', 'intake', 'consent', 'device'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The date of birth, checked against the record when the check-in is sent. */
function BirthDateStep({
  initial,
  mismatch,
  onDone,
}: {
  initial: string;
  mismatch: boolean;
  onDone(birthDate: string): void;
}) {
  const { t } = useI18n();
  const [value, setValue] = useState(initial);
  const [tried, setTried] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const invalid = !DATE.test(value);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (invalid) input.current?.focus();
    else onDone(value);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Title order={2}>{t('visit.checkIn.identity')}</Title>
        {mismatch && <Alert color="red" role="alert" title={t('visit.checkIn.birthDateMismatch')} />}
        <TextInput
          ref={input}
          type="date"
          label={t('visit.checkIn.birthDate')}
          description={t('visit.checkIn.birthDateHint')}
          required
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          error={tried && invalid ? t('visit.checkIn.birthDateNeeded') : undefined}
          styles={{ input: { maxWidth: 220 } }}
          autoComplete="bday"
        />
        <div>
          <Button type="submit">{t('visit.checkIn.continue')}</Button>
        </div>
      </Stack>
    </form>
  );
}

/**
 * Check-in for a booked video visit, a step at a time: date of birth, the intake questions, the
 * telehealth consent and the device test; then it is sent at once (`POST …/check-in`) and the
 * patient goes to the waiting room. Before check-in opens it says when it will.
 */
export function CheckIn({ visit, onCheckedIn }: { visit: VisitSummary; onCheckedIn(): void }) {
  const { t, locale, timeZone } = useI18n();
  const auth = useAuth();
  const visits = useVisits();
  const now = useNow(15_000);
  const [step, setStep] = useState<Step>('birth-date');
  const [birthDate, setBirthDate] = useState('');
  const [answers, setAnswers] = useState<IntakeAnswers | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [lastDevice, setLastDevice] = useState<DeviceCheckResult | null>(null);
  const stepRef = useRef<HTMLParagraphElement>(null);
  const first = useRef(true);
  const intake = useQuery(`intake/${visit.id}`, () => visits.intake(visit.id));
  const fetchWithToken = useMemo(
    () =>
      authFetch({
        token: async () => auth.session.current?.accessToken ?? null,
        renew: async () => ((await auth.renew()) ? (auth.session.current?.accessToken ?? null) : null),
      }),
    // The session is the page's; `auth` changes with each renewal and must not rebuild this.
    [auth.session],
  );

  // Each step is announced and focused where it starts.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    stepRef.current?.focus();
  }, [step]);

  const opensAt = visit.checkInOpensAt ? Date.parse(visit.checkInOpensAt) : null;
  if (opensAt !== null && now < opensAt)
    return (
      <Stack gap="md">
        <Title order={1}>{t('visit.checkIn.title')}</Title>
        <Alert color="blue" title={t('visit.checkIn.notYet')}>
          {t('visit.join.opensAt', { when: formatWhen(opensAt, locale, timeZone) })}
        </Alert>
        <Anchor component={Link} to="/appointments">
          {t('appts.all')}
        </Anchor>
      </Stack>
    );

  const send = async (deviceCheck: DeviceCheckResult) => {
    if (!answers) return;
    setLastDevice(deviceCheck);
    setSending(true);
    setFailure(null);
    try {
      await visits.checkIn(visit.id, { birthDate, answers, consent: true, deviceCheck });
      onCheckedIn();
    } catch (err) {
      setSending(false);
      if (
        err instanceof ApiError &&
        err.status === 422 &&
        outcomeDiagnostics(err).some((d) => /date of birth/i.test(d))
      ) {
        setMismatch(true);
        setStep('birth-date');
        return;
      }
      setFailure(err);
    }
  };

  const index = STEPS.indexOf(step) + 1;
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('visit.checkIn.title')}</Title>
        <Text c="dimmed">{t('visit.checkIn.lead')}</Text>
      </div>
      <Text ref={stepRef} tabIndex={-1} fw={600} aria-live="polite">
        {t('visit.checkIn.step', { n: index, total: STEPS.length, name: t(`visit.checkIn.step.${step}`) })}
      </Text>
      {step === 'birth-date' && (
        <BirthDateStep
          initial={birthDate}
          mismatch={mismatch}
          onDone={(d) => {
            setBirthDate(d);
            setMismatch(false);
            // A patient sent back for the date alone goes straight on to the device test again.
            setStep(answers ? 'device' : 'intake');
          }}
        />
      )}
      {step === 'intake' &&
        (intake.loading && !intake.data ? (
          <Loading label={t('app.loading')} />
        ) : intake.error || !intake.data ? (
          <ErrorState error={intake.error} onRetry={intake.retry} />
        ) : (
          <IntakeForm
            questionnaire={intake.data}
            initial={answers ?? {}}
            onSubmit={(a) => {
              setAnswers(a);
              setStep('consent');
            }}
          />
        ))}
      {step === 'consent' && <ConsentStep onAgree={() => setStep('device')} />}
      {step === 'device' && (
        <Stack gap="md">
          <DeviceCheck authFetch={fetchWithToken} onDone={(r) => void send(r)} />
          {sending && <Loading label={t('visit.checkIn.sending')} />}
          {failure !== null && (
            <ErrorState error={failure} onRetry={lastDevice ? () => void send(lastDevice) : undefined} />
          )}
        </Stack>
      )}
    </Stack>
  );
}
