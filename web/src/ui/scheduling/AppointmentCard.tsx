import { Alert, Badge, Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import {
  modalityOf,
  offerExpiry,
  participantId,
  patientMayChange,
  practitionerDisplay,
  refusalOf,
  visitTypeName,
  type Appointment,
} from '../../api/scheduling.js';
import { useAction } from '../../api/use-action.js';
import { localDate } from '../../api/local-days.js';
import { formatCalendarDay, formatWhen } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { JoinVideoVisit } from '../../visits/JoinVideoVisit.js';
import { ErrorState } from '../ErrorState.js';
import { useToast } from '../Toasts.js';
import { useScheduling } from './hooks.js';
import { modalityName, statusName } from './labels.js';

/**
 * One appointment: when (in the user's zone), the visit type, the clinician and how they meet;
 * for a visit still ahead, Reschedule and Cancel — or, too close to its start for changes online,
 * a note to call the clinic.
 */
export function AppointmentCard({
  appointment: a,
  clinician,
  patientId,
  noticeMin,
  actions = true,
  onChanged,
  as = 'li',
}: {
  appointment: Appointment;
  clinician: string | undefined;
  patientId: string;
  noticeMin: number;
  actions?: boolean;
  onChanged(): void;
  as?: 'li' | 'div';
}) {
  const { t, locale, timeZone } = useI18n();
  const headingId = useId();
  const [cancelling, setCancelling] = useState(false);
  const live = a.status === 'booked';
  const mayChange = patientMayChange(a, Date.now(), noticeMin);
  const modality = modalityOf(a);
  const name = clinician ?? practitionerDisplay(a);
  return (
    <Card component={as} withBorder>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={2}>
          <Title order={3} size="h5" id={headingId}>
            {a.start ? formatWhen(a.start, locale, timeZone) : visitTypeName(a)}
          </Title>
          <Text>{visitTypeName(a)}</Text>
          <Text size="sm">
            {[name ? t('appts.with', { name }) : '', modality ? modalityName(t, modality) : '']
              .filter(Boolean)
              .join(' · ')}
          </Text>
          {!live && (
            <Group gap="xs">
              <Badge variant="light" color={a.status === 'cancelled' ? 'gray' : 'blue'}>
                {statusName(t, a.status)}
              </Badge>
              {a.cancelationReason?.text && (
                <Text size="sm" c="dimmed">
                  {t('appts.reason', { reason: a.cancelationReason.text })}
                </Text>
              )}
            </Group>
          )}
        </Stack>
        {actions && live && mayChange && a.id && (
          <Group gap="xs">
            <Button
              component={Link}
              to={`/appointments/book?reschedule=${encodeURIComponent(a.id)}`}
              variant="outline"
              aria-describedby={headingId}
            >
              {t('appts.reschedule')}
            </Button>
            <Button
              variant="outline"
              color="red.8"
              onClick={() => setCancelling(true)}
              aria-describedby={headingId}
            >
              {t('appts.cancel')}
            </Button>
          </Group>
        )}
      </Group>
      {actions && live && !mayChange && (
        <Text size="sm" mt="xs">
          {t('appts.tooLate')}
        </Text>
      )}
      {actions && modality === 'video' && (live || a.status === 'checked-in' || a.status === 'arrived') && (
        <Group mt="sm">
          <JoinVideoVisit appointment={a} describedBy={headingId} />
        </Group>
      )}
      {cancelling && (
        <CancelDialog
          appointment={a}
          patientId={patientId}
          onClose={() => setCancelling(false)}
          onCancelled={() => {
            setCancelling(false);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}

/**
 * "Cancel this visit?" with an optional reason; a refusal for lateness says to call the clinic.
 * For `staff` (who are not bound by the patients' notice) a refusal shows what the server said.
 */
export function CancelDialog({
  appointment: a,
  patientId,
  onClose,
  onCancelled,
  staff = false,
}: {
  appointment: Appointment;
  patientId: string | undefined;
  onClose(): void;
  onCancelled(): void;
  staff?: boolean;
}) {
  const { t, locale, timeZone } = useI18n();
  const scheduling = useScheduling();
  const toast = useToast();
  const action = useAction();
  const [reason, setReason] = useState('');
  const refusal = action.failure ? refusalOf(action.failure) : null;
  const submit = async () => {
    const ok = await action.run(() =>
      scheduling.cancel(a.id ?? '', { reason, ...(patientId ? { patient: patientId } : {}) }),
    );
    if (ok) {
      toast(staff ? t('visit.cancelled') : t('appts.cancelled'));
      onCancelled();
    }
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('appts.cancelTitle')}
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      <Stack gap="md">
        <Text>
          {t('appts.cancelBody', {
            what: visitTypeName(a),
            when: a.start ? formatWhen(a.start, locale, timeZone) : '',
          })}
        </Text>
        <Textarea
          label={t('appts.cancelReason')}
          value={reason}
          maxLength={200}
          autosize
          minRows={2}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        {refusal?.kind === 'too-late' && !staff ? (
          <Alert color="yellow" role="alert" title={t('appts.tooLate')} />
        ) : refusal ? (
          <ErrorState error={action.failure} details={staff} />
        ) : null}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('appts.keep')}
          </Button>
          <Button color="red.8" loading={action.busy} onClick={() => void submit()}>
            {t('appts.cancelConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A freed time offered to a waiting patient: held until it expires, to accept or decline. */
export function OfferCard({
  offer,
  patientId,
  onAnswered,
  as = 'li',
}: {
  offer: Appointment;
  patientId: string;
  onAnswered(outcome: 'accepted' | 'declined'): void;
  as?: 'li' | 'div';
}) {
  const { t, locale, timeZone } = useI18n();
  const scheduling = useScheduling();
  const toast = useToast();
  const action = useAction();
  const headingId = useId();
  const expiry = offerExpiry(offer);
  const answer = async (accept: boolean) => {
    const ok = await action.run(() =>
      accept
        ? scheduling.acceptOffer(offer.id ?? '', patientId)
        : scheduling.declineOffer(offer.id ?? '', patientId),
    );
    if (ok) {
      toast(accept ? t('appts.offerAccepted') : t('appts.offerDeclined'));
      onAnswered(accept ? 'accepted' : 'declined');
    }
  };
  const refusal = action.failure ? refusalOf(action.failure) : null;
  const clinician = practitionerDisplay(offer);
  return (
    <Card component={as} withBorder className="ov-offer">
      <Stack gap="xs">
        <Title order={3} size="h5" id={headingId}>
          {t('appts.offerTitle', { when: formatWhen(offer.start ?? '', locale, timeZone) })}
        </Title>
        <Text>{visitTypeName(offer)}</Text>
        {clinician && <Text size="sm">{t('appts.with', { name: clinician })}</Text>}
        {Number.isFinite(expiry) && (
          <Text size="sm" fw={600}>
            {t('appts.offerExpires', { when: formatWhen(expiry, locale, timeZone) })}
          </Text>
        )}
        {refusal?.kind === 'taken' ? (
          <Alert color="yellow" role="alert" title={t('appts.offerGone')} />
        ) : refusal ? (
          <ErrorState error={action.failure} />
        ) : null}
        <Group gap="xs">
          <Button loading={action.busy} onClick={() => void answer(true)} aria-describedby={headingId}>
            {t('appts.accept')}
          </Button>
          <Button
            variant="outline"
            disabled={action.busy}
            onClick={() => void answer(false)}
            aria-describedby={headingId}
          >
            {t('appts.decline')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** A waitlist entry: the visit type and the days the patient can do; leaving takes it off the list. */
export function WaitlistCard({
  entry,
  clinician,
  patientId,
  onChanged,
  as = 'li',
}: {
  entry: Appointment;
  clinician: string | undefined;
  patientId: string;
  onChanged(): void;
  as?: 'li' | 'div';
}) {
  const { t, locale, timeZone } = useI18n();
  const scheduling = useScheduling();
  const toast = useToast();
  const action = useAction();
  const headingId = useId();
  const period = entry.requestedPeriod?.[0];
  const leave = async () => {
    const ok = await action.run(() => scheduling.cancel(entry.id ?? '', { patient: patientId }));
    if (ok) {
      toast(t('appts.leftWaitlist'));
      onChanged();
    }
  };
  return (
    <Card component={as} withBorder>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={2}>
          <Title order={3} size="h5" id={headingId}>
            {visitTypeName(entry)}
          </Title>
          {period?.start && period.end && (
            <Text size="sm">
              {t('appts.waitingBetween', {
                from: formatCalendarDay(localDate(Date.parse(period.start), timeZone), locale),
                to: formatCalendarDay(localDate(Date.parse(period.end) - 1, timeZone), locale),
              })}
            </Text>
          )}
          <Text size="sm">
            {participantId(entry, 'Practitioner') && clinician
              ? t('appts.with', { name: clinician })
              : t('appts.anyClinician')}
          </Text>
        </Stack>
        <Button
          variant="outline"
          loading={action.busy}
          onClick={() => void leave()}
          aria-describedby={headingId}
        >
          {t('appts.leaveWaitlist')}
        </Button>
      </Group>
      {action.failure !== null && <ErrorState error={action.failure} />}
    </Card>
  );
}
