import { Button, Checkbox, Container, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-error.js';
import { redeemInvitation } from '../../api/visits.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Loading } from '../../ui/Loading.js';
import { PageLayout } from '../../ui/PageLayout.js';
import { forgetGuest, rememberGuest, savedGuest } from '../../visits/guest-resume.js';
import { captureInviteToken, inviteToken } from '../../visits/invite-token.js';
import { guestAccess, type LiveSnapshot, type VisitAccess } from '../../visits/live-visit.js';
import { SelfView } from '../../visits/MediaViews.js';
import { useLiveAccess } from '../../visits/use-visits.js';
import { ConnectionNote } from './ConnectionNote.js';
import { VisitCall } from './VisitCall.js';

/** Whether the invitation was refused as used, expired or unknown (the server says which never). */
function invalidLink(err: unknown): boolean {
  return err instanceof ApiError && err.kind === 'not-found';
}

/** Before anything is asked of the browser: what the visit needs of the camera and microphone. */
function GuestConsent({ rejoin, onJoin }: { rejoin: boolean; onJoin(): void }) {
  const { t } = useI18n();
  const [checked, setChecked] = useState(false);
  const [tried, setTried] = useState(false);
  const box = useRef<HTMLInputElement>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (checked) onJoin();
    else box.current?.focus();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="guest-title">
      <Stack gap="md">
        <Title order={1} id="guest-title">
          {t('visit.guest.title')}
        </Title>
        <Text size="lg">{t(rejoin ? 'visit.guest.rejoinLead' : 'visit.guest.lead')}</Text>
        <Paper withBorder p="md" component="section" aria-labelledby="guest-devices-title">
          <Stack gap="sm">
            <Title order={2} size="h4" id="guest-devices-title">
              {t('visit.guest.devicesTitle')}
            </Title>
            <Text>{t('visit.guest.devices')}</Text>
            <Text>{t('visit.guest.noAccount')}</Text>
          </Stack>
        </Paper>
        <Checkbox
          ref={box}
          label={t('visit.guest.consent')}
          checked={checked}
          required
          onChange={(e) => setChecked(e.currentTarget.checked)}
          error={tried && !checked ? t('visit.guest.mustAgree') : undefined}
        />
        <div>
          <Button type="submit" size="md">
            {t('visit.guest.join')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

/** A plain ending: a heading and a sentence (the guest has no account to go back to). */
function GuestEnd({ title, body }: { title: string; body: string }) {
  return (
    <Stack gap="md">
      <Title order={1}>{title}</Title>
      <Text>{body}</Text>
    </Stack>
  );
}

/** The guest in the visit: waiting for it to start, in the call, or out of it. */
function GuestVisit({ access, onLeave }: { access: VisitAccess; onLeave(): void }) {
  const { t } = useI18n();
  const { live, snap } = useLiveAccess(access);
  const over =
    snap?.connection === 'over' ||
    (snap?.status != null && snap.status !== 'in-progress' && snap.status !== 'arrived');
  const out = over || snap?.connection === 'refused' || Boolean(snap?.joinError);
  // The camera and microphone go off as soon as the guest is out, and a reload no longer rejoins.
  useEffect(() => {
    if (!out) return;
    live?.stop();
    forgetGuest();
  }, [out, live]);
  if (!snap || !live) return <Loading label={t('visit.connecting')} />;
  if (snap.joinError)
    return invalidLink(snap.joinError) ? (
      <GuestEnd title={t('visit.guest.invalid')} body={t('visit.guest.invalidBody')} />
    ) : (
      <Stack gap="md">
        <Title order={1}>{t('visit.guest.title')}</Title>
        <ErrorState error={snap.joinError} onRetry={() => location.reload()} />
      </Stack>
    );
  if (over) return <GuestEnd title={t('visit.guest.ended')} body={t('visit.guest.endedBody')} />;
  if (snap.connection === 'refused')
    return <GuestEnd title={t('visit.guest.invalid')} body={t('visit.guest.invalidBody')} />;
  if (snap.status === null)
    return (
      <Stack gap="md">
        <Title order={1}>{t('visit.guest.title')}</Title>
        <ConnectionNote snap={snap} />
        <Loading label={t('visit.connecting')} />
      </Stack>
    );
  if (snap.status === 'arrived') return <GuestWaiting snap={snap} />;
  return (
    <VisitCall
      visit={{ id: '', admittedAt: null }}
      snap={snap}
      live={live}
      guest
      onEnded={() => undefined}
      onLeave={() => {
        live.stop();
        forgetGuest();
        onLeave();
      }}
    />
  );
}

/** Admitted visits only have a call: before the clinician lets the patient in, the guest waits. */
function GuestWaiting({ snap }: { snap: LiveSnapshot }) {
  const { t } = useI18n();
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('visit.guest.waitingTitle')}</Title>
        <Text role="status" aria-live="polite">
          {t('visit.waiting.stay')}
        </Text>
      </div>
      <ConnectionNote snap={snap} />
      <SelfView stream={snap.local.stream} cameraOn audioOnly={false} />
    </Stack>
  );
}

/**
 * `/join#<token>`: a caregiver, an interpreter or a second clinician joins a visit from the link
 * they were sent, without an account. The token leaves the address bar as the app starts; the guest
 * agrees to the camera and microphone; the invitation is redeemed (once) for a visit ticket; then
 * the call, in guest mode: no check-in, no survey, "The visit has ended" at the end. After a reload
 * (no token in the address) the tab's saved place rejoins the same visit as the same guest.
 */
export default function GuestJoin() {
  const { t } = useI18n();
  const [token] = useState(() => {
    captureInviteToken();
    return inviteToken();
  });
  // The link's invitation, or after a reload (no token in the address) the tab's saved place.
  const [join] = useState(() => {
    if (token) return () => redeemInvitation(token);
    const saved = savedGuest();
    return saved ? async () => saved : null;
  });
  const [step, setStep] = useState<'consent' | 'joining' | 'left'>('consent');
  const [access, setAccess] = useState<VisitAccess | null>(null);
  let content;
  if (!join) content = <GuestEnd title={t('visit.guest.title')} body={t('visit.guest.noLink')} />;
  else if (step === 'left')
    content = <GuestEnd title={t('visit.guest.left')} body={t('visit.guest.leftBody')} />;
  else if (step === 'consent' || !access)
    content = (
      <GuestConsent
        rejoin={!token}
        onJoin={() => {
          setAccess(guestAccess(join, rememberGuest));
          setStep('joining');
        }}
      />
    );
  else content = <GuestVisit access={access} onLeave={() => setStep('left')} />;
  return (
    <PageLayout>
      <Container size="lg" py="md">
        {content}
      </Container>
    </PageLayout>
  );
}
