import { Alert, Button, Card, Checkbox, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { localDate } from '../../api/local-days.js';
import {
  participantId,
  practitionerDisplay,
  refusalOf,
  visitTypeId,
  type Appointment,
  type Modality,
  type VisitType,
} from '../../api/scheduling.js';
import { useAction } from '../../api/use-action.js';
import { useQuery } from '../../api/use-query.js';
import { formatWhen } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { EmptyState } from '../EmptyState.js';
import { ErrorState, OutcomeDetails } from '../ErrorState.js';
import { Loading } from '../Loading.js';
import { useScheduling } from './hooks.js';
import { modalityName, serviceLineName, visitTypeDetails } from './labels.js';
import { slotKey, TimePicker, type SlotFilters } from './TimePicker.js';
import { WaitlistForm } from './WaitlistForm.js';
import { ClinicianChoice } from './ClinicianChoice.js';
import { GroupSessionList } from './GroupSessionList.js';

export type BookingOutcome = 'booked' | 'moved' | 'joined' | 'waitlisted';

type Step = 'service' | 'visit' | 'clinician' | 'time' | 'confirm';

/** The roles of clinic staff (who book for patients and are not bound by the patients' notice). */
const STAFF_BOOKERS = ['front-desk', 'clinician', 'nurse'];

export interface BookingFlowProps {
  /** The patient the visit is for. */
  patientId: string;
  /** The role visit types are booked as (`patient`, `caregiver`, `front-desk`, `clinician`, `nurse`). */
  booker: string;
  /** The patient's state and preferred language: only clinicians licensed there and who speak it. */
  filters: SlotFilters;
  /** The language's name, to say what the language filter does. */
  languageName?: string;
  /**
   * A visit being moved: its visit type is kept, the flow starts at the clinician (the current one
   * chosen, or another, or the first available: the time picked then names its clinician).
   */
  reschedule?: Appointment;
  onDone(appointment: Appointment | undefined, outcome: BookingOutcome): void;
}

/**
 * Booking, step by step: service → visit type → clinician or first available → a time → confirm
 * (how to meet). A group visit type lists its sessions with the seats left instead. A time taken
 * meanwhile (409) shows the free alternatives the server sent, to book at once; when no time
 * suits, the patient can join the waitlist for a range of dates.
 */
export function BookingFlow({
  patientId,
  booker,
  filters,
  languageName,
  reschedule,
  onDone,
}: BookingFlowProps) {
  const { t, locale, timeZone } = useI18n();
  const scheduling = useScheduling();
  const types = useQuery('visit-types', () => scheduling.visitTypes());
  const [step, setStep] = useState<Step>(reschedule ? 'clinician' : 'service');
  const [serviceLine, setServiceLine] = useState<string | null>(null);
  const [chosenType, setChosenType] = useState<VisitType | null>(null);
  const [clinician, setClinician] = useState<string | null>(
    reschedule ? (participantId(reschedule, 'Practitioner') ?? null) : null,
  );
  const [slot, setSlot] = useState<Appointment | null>(null);
  const [first, setFirst] = useState(() => localDate(Date.now(), timeZone));
  const [modality, setModality] = useState<Modality | null>(null);
  const [languageOnly, setLanguageOnly] = useState(true);
  const [pickTime, setPickTime] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const staff = STAFF_BOOKERS.includes(booker);

  // A new step's heading takes the focus (not on the first render: the page's own heading leads).
  useEffect(() => {
    if (moved.current) heading.current?.focus();
    moved.current = true;
  }, [step]);

  if (types.loading && !types.data) return <Loading label={t('app.loading')} />;
  if (types.error || !types.data) return <ErrorState error={types.error} onRetry={types.retry} />;

  const bookable = types.data.filter((vt) => vt.bookableBy.includes(booker));
  const visitType =
    chosenType ?? (reschedule ? (types.data.find((vt) => vt.id === visitTypeId(reschedule)) ?? null) : null);
  const activeFilters: SlotFilters = {
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.language && languageOnly ? { language: filters.language } : {}),
  };
  const serviceLines = [...new Set(bookable.map((vt) => vt.serviceLine))];
  const steps: Step[] = reschedule
    ? ['clinician', 'time', 'confirm']
    : visitType && visitType.groupCapacity > 1
      ? ['service', 'visit', 'clinician']
      : ['service', 'visit', 'clinician', 'time', 'confirm'];
  const go = (next: Step) => {
    setStep(next);
    setPickTime(false);
  };
  const back = () => {
    const i = steps.indexOf(step);
    if (i > 0) go(steps[i - 1]!);
  };

  const frame = (title: string, body: ReactNode) => (
    <Stack gap="md">
      <div>
        <Text size="sm" c="dimmed">
          {t('book.step', { step: steps.indexOf(step) + 1, total: steps.length })}
        </Text>
        <Title order={2} size="h3" ref={heading} tabIndex={-1}>
          {title}
        </Title>
      </div>
      {body}
      {steps.indexOf(step) > 0 && (
        <Group>
          <Button variant="default" onClick={back}>
            {t('book.back')}
          </Button>
        </Group>
      )}
    </Stack>
  );

  if (step === 'service') {
    return frame(
      t('book.chooseService'),
      serviceLines.length === 0 ? (
        <EmptyState>{t('book.noVisitTypes')}</EmptyState>
      ) : (
        <Stack gap="sm">
          {serviceLines.map((line) => (
            <Button
              key={line}
              variant={line === serviceLine ? 'filled' : 'default'}
              size="md"
              justify="flex-start"
              onClick={() => {
                setServiceLine(line);
                go('visit');
              }}
            >
              {serviceLineName(t, line)}
            </Button>
          ))}
        </Stack>
      ),
    );
  }

  if (step === 'visit') {
    const list = bookable.filter((vt) => vt.serviceLine === serviceLine);
    return frame(
      t('book.chooseVisitType'),
      <Stack gap="sm">
        {list.map((vt) => (
          <Button
            key={vt.id}
            variant={vt.id === visitType?.id ? 'filled' : 'default'}
            size="md"
            h="auto"
            py="xs"
            justify="flex-start"
            styles={{ label: { whiteSpace: 'normal', textAlign: 'start' } }}
            onClick={() => {
              setChosenType(vt);
              setSlot(null);
              setModality(null);
              go('clinician');
            }}
          >
            <span>
              <span className="ov-block">{vt.name}</span>
              <span className="ov-block ov-small">{visitTypeDetails(t, vt)}</span>
            </span>
          </Button>
        ))}
      </Stack>,
    );
  }

  if (!visitType) return frame(t('book.chooseService'), <EmptyState>{t('book.noVisitTypes')}</EmptyState>);

  if (step === 'clinician' && visitType.groupCapacity > 1) {
    return frame(
      t('book.chooseSession'),
      <GroupSessionList visitType={visitType} patientId={patientId} onJoined={(a) => onDone(a, 'joined')} />,
    );
  }

  if (step === 'clinician') {
    return frame(
      t('book.chooseClinician'),
      <Stack gap="md">
        {filters.language && languageName && (
          <Checkbox
            label={t('book.languageOnly', { language: languageName })}
            checked={languageOnly}
            onChange={(e) => setLanguageOnly(e.currentTarget.checked)}
          />
        )}
        <ClinicianChoice
          visitType={visitType}
          filters={activeFilters}
          selected={clinician}
          onPick={(id) => {
            if (id !== clinician) setSlot(null);
            setClinician(id);
            go('time');
          }}
          waitlist={
            <WaitlistForm
              visitType={visitType}
              patientId={patientId}
              practitioner={undefined}
              onJoined={(a) => onDone(a, 'waitlisted')}
            />
          }
        />
      </Stack>,
    );
  }

  if (step === 'time' || !slot) {
    return frame(
      t('book.chooseTime'),
      <Stack gap="lg">
        <Text size="sm">
          {t('book.timesIn', { zone: timeZone })}
          {clinician ? '' : ` ${t('book.firstAvailableHint')}`}
        </Text>
        <TimePicker
          visitType={visitType.id}
          practitioner={clinician ?? undefined}
          filters={activeFilters}
          windowDays={visitType.bookingWindowDays ?? 60}
          first={first}
          onFirstChange={setFirst}
          selected={slot}
          onSelect={(s) => {
            setSlot(s);
            setPickTime(false);
          }}
        />
        {pickTime && (
          <Text role="alert" c="red.8" size="sm">
            {t('book.pickTime')}
          </Text>
        )}
        <Group>
          <Button onClick={() => (slot ? go('confirm') : setPickTime(true))}>{t('book.continue')}</Button>
        </Group>
        {!reschedule && (
          <Card withBorder component="section" aria-labelledby="waitlist-title">
            <Title order={3} size="h4" id="waitlist-title">
              {t('book.noneSuit')}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {t('book.waitlistLead')}
            </Text>
            <WaitlistForm
              key={first}
              visitType={visitType}
              patientId={patientId}
              practitioner={clinician ?? undefined}
              from={first}
              onJoined={(a) => onDone(a, 'waitlisted')}
            />
          </Card>
        )}
      </Stack>,
    );
  }

  return frame(
    reschedule ? (staff ? t('book.staffConfirmMove') : t('book.confirmMove')) : t('book.confirm'),
    <Confirm
      visitType={visitType}
      slot={slot}
      patientId={patientId}
      modality={modality ?? (reschedule ? modalityOf(reschedule, visitType) : visitType.modalities[0]!)}
      onModality={setModality}
      filters={activeFilters}
      // A move keeps the visit's clinician unless it names another: the time picked names its own.
      firstAvailable={clinician === null && !reschedule}
      reschedule={reschedule}
      staff={staff}
      onPickAgain={() => {
        setSlot(null);
        go('time');
      }}
      onDone={onDone}
      summary={formatWhen(slot.start ?? '', locale, timeZone)}
    />,
  );
}

function modalityOf(a: Appointment, vt: VisitType): Modality {
  const m = a.extension?.find((e) => e.url === 'urn:openvisit:modality')?.valueCode as Modality | undefined;
  return m && vt.modalities.includes(m) ? m : vt.modalities[0]!;
}

/** The chosen time, how to meet, and the booking itself (or the move of a visit). */
function Confirm({
  visitType,
  slot,
  patientId,
  modality,
  onModality,
  filters,
  firstAvailable,
  reschedule,
  onPickAgain,
  onDone,
  summary,
  staff,
}: {
  visitType: VisitType;
  slot: Appointment;
  patientId: string;
  modality: Modality;
  onModality(m: Modality): void;
  filters: SlotFilters;
  /** No clinician was chosen: the server assigns whoever is free (an alternative names its own). */
  firstAvailable: boolean;
  reschedule: Appointment | undefined;
  onPickAgain(): void;
  onDone(a: Appointment | undefined, outcome: BookingOutcome): void;
  summary: string;
  /** Clinic staff: their wording, and what the server said of a refusal. */
  staff: boolean;
}) {
  const { t, locale, timeZone } = useI18n();
  const scheduling = useScheduling();
  const action = useAction();
  const [failure, setFailure] = useState<ReturnType<typeof refusalOf> | null>(null);

  const submit = async (chosen: Appointment, pinned: boolean) => {
    const practitioner = pinned ? participantId(chosen, 'Practitioner') : undefined;
    const start = chosen.start ?? '';
    let result: Appointment | undefined;
    setFailure(null);
    const ok = await action.run(async () => {
      result = reschedule?.id
        ? await scheduling.reschedule(reschedule.id, {
            start,
            patient: patientId,
            ...(practitioner ? { practitioner } : {}),
          })
        : await scheduling.book({
            visitType: visitType.id,
            start,
            patient: patientId,
            modality,
            ...(practitioner ? { practitioner } : {}),
            ...filters,
          });
    });
    if (ok) onDone(result, reschedule ? 'moved' : 'booked');
  };
  useEffect(() => {
    if (action.failure) setFailure(refusalOf(action.failure));
  }, [action.failure]);

  const clinicianName = practitionerDisplay(slot);
  return (
    <Stack gap="md">
      <Card withBorder>
        <dl className="ov-facts">
          <dt>{t('book.when')}</dt>
          <dd>{summary}</dd>
          <dt>{t('book.visitType')}</dt>
          <dd>{visitType.name}</dd>
          <dt>{t('book.clinician')}</dt>
          <dd>{firstAvailable || !clinicianName ? t('book.firstAvailable') : clinicianName}</dd>
        </dl>
      </Card>
      {!reschedule && visitType.modalities.length > 1 ? (
        <Radio.Group label={t('book.modality')} value={modality} onChange={(v) => onModality(v as Modality)}>
          <Stack gap={6} mt={6}>
            {visitType.modalities.map((m) => (
              <Radio key={m} value={m} label={modalityName(t, m)} />
            ))}
          </Stack>
        </Radio.Group>
      ) : (
        <Text>{t('book.meetBy', { modality: modalityName(t, modality) })}</Text>
      )}
      {failure?.kind === 'taken' ? (
        <Alert color="yellow" role="alert" title={t('book.taken')}>
          {failure.alternatives.length === 0 ? (
            <Button mt="sm" variant="outline" onClick={onPickAgain}>
              {t('book.pickAnother')}
            </Button>
          ) : (
            <Stack gap="xs" mt="xs">
              <Text size="sm">{t('book.alternatives')}</Text>
              {failure.alternatives.map((alt) => (
                <Button
                  key={slotKey(alt)}
                  variant="outline"
                  justify="flex-start"
                  h="auto"
                  py={6}
                  styles={{ label: { whiteSpace: 'normal', textAlign: 'start' } }}
                  loading={action.busy}
                  onClick={() => void submit(alt, true)}
                >
                  {t('book.bookAlternative', {
                    when: formatWhen(alt.start ?? '', locale, timeZone),
                    clinician: practitionerDisplay(alt) ?? t('book.firstAvailable'),
                  })}
                </Button>
              ))}
              <Button variant="default" onClick={onPickAgain}>
                {t('book.pickAnother')}
              </Button>
            </Stack>
          )}
        </Alert>
      ) : failure?.kind === 'too-late' ? (
        <Alert color="yellow" role="alert" title={t('appts.tooLate')} />
      ) : failure?.kind === 'not-offered' ? (
        <Alert color="yellow" role="alert" title={t('book.notOffered')}>
          {staff && <OutcomeDetails error={action.failure} />}
          <Button mt="sm" variant="outline" onClick={onPickAgain}>
            {t('book.pickAnother')}
          </Button>
        </Alert>
      ) : failure?.kind === 'not-allowed' ? (
        <Alert color="yellow" role="alert" title={t('book.notAllowed')}>
          {staff && <OutcomeDetails error={action.failure} />}
        </Alert>
      ) : failure?.kind === 'other' ? (
        <ErrorState error={failure.error} details={staff} />
      ) : null}
      <Group>
        <Button loading={action.busy} onClick={() => void submit(slot, !firstAvailable)}>
          {reschedule ? (staff ? t('book.staffMoveSubmit') : t('book.moveSubmit')) : t('book.submit')}
        </Button>
      </Group>
    </Stack>
  );
}
