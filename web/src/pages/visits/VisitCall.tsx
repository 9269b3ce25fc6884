import { Alert, Button, Card, Group, Modal, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useAction } from '../../api/use-action.js';
import { holdActivity } from '../../auth/activity-hold.js';
import type { VisitSummary } from '../../api/visits.js';
import { formatTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Icon } from '../../visits/icons.js';
import type { LiveSnapshot, LiveVisit } from '../../visits/live-visit.js';
import { RemoteView, SelfView } from '../../visits/MediaViews.js';
import { useNow } from '../../visits/use-now.js';
import { useVisits } from '../../visits/use-visits.js';
import { ConnectionNote } from './ConnectionNote.js';
import { InviteSomeone } from './InviteSomeone.js';

type T = ReturnType<typeof useI18n>['t'];

/** `m:ss`, or `h:mm:ss` past an hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Time since admission, each second (a timer role: read when asked, not announced every tick). */
function VisitTimer({ admittedAt }: { admittedAt: string | null }) {
  const { t } = useI18n();
  const now = useNow(1000);
  const since = admittedAt ? Date.parse(admittedAt) : NaN;
  if (!Number.isFinite(since)) return null;
  return (
    <Text fw={600}>
      {t('visit.timer')}{' '}
      <span role="timer" data-testid="visit-timer">
        {clock((now - since) / 1000)}
      </span>
    </Text>
  );
}

/** The call as one sentence, announced as it changes. */
function callStatusText(t: T, snap: LiveSnapshot): string {
  const other = snap.role === 'clinician' ? t('visit.status.thePatient') : t('visit.status.theClinician');
  const call = snap.call;
  if (call.present.length === 0)
    return snap.role === 'guest'
      ? t('visit.status.waitingForOthers')
      : t('visit.status.waitingFor', { name: other });
  if (call.connectionState === 'connected') return t('visit.status.connected');
  if (call.connectionState === 'failed' || call.connectionState === 'disconnected')
    return t('visit.status.unstable');
  return t('visit.status.connecting');
}

function Controls({
  visitId,
  snap,
  live,
  onEnd,
  onLeave,
}: {
  visitId: string;
  snap: LiveSnapshot;
  live: LiveVisit;
  onEnd(): void;
  onLeave(): void;
}) {
  const { t } = useI18n();
  const [shareFailed, setShareFailed] = useState(false);
  const call = snap.call;
  const audioOnly = call.modality === 'audio';
  // The call is use of the session: the idle timeout does not sign anyone out of a visit.
  useEffect(() => holdActivity(), []);
  const hasCamera = !!snap.local.stream?.getVideoTracks().length;
  const canShare = typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  return (
    <div role="group" aria-label={t('visit.controls')}>
      <Group gap="xs">
        <Button
          variant={call.micOn ? 'default' : 'filled'}
          leftSection={<Icon name={call.micOn ? 'mic' : 'mic-off'} />}
          onClick={() => live.toggleMic()}
          disabled={snap.local.devices === 'none'}
        >
          {call.micOn ? t('visit.control.mute') : t('visit.control.unmute')}
        </Button>
        <Button
          variant={call.cameraOn ? 'default' : 'filled'}
          leftSection={<Icon name={call.cameraOn ? 'camera' : 'camera-off'} />}
          onClick={() => live.toggleCamera()}
          disabled={!hasCamera || audioOnly}
        >
          {call.cameraOn ? t('visit.control.cameraOff') : t('visit.control.cameraOn')}
        </Button>
        {canShare && (
          <Button
            variant={call.sharing ? 'filled' : 'default'}
            leftSection={<Icon name="screen" />}
            disabled={audioOnly}
            onClick={() => {
              setShareFailed(false);
              if (call.sharing) live.stopSharing();
              else void live.shareScreen().catch(() => setShareFailed(true));
            }}
          >
            {call.sharing ? t('visit.control.stopShare') : t('visit.control.share')}
          </Button>
        )}
        <Button
          variant={audioOnly ? 'filled' : 'default'}
          leftSection={<Icon name="audio" />}
          aria-pressed={audioOnly}
          onClick={() => live.requestModality(audioOnly ? 'video' : 'audio')}
        >
          {t('visit.control.audioOnly')}
        </Button>
        {(snap.role === 'patient' || snap.role === 'clinician') && <InviteSomeone visitId={visitId} />}
        {snap.role === 'clinician' ? (
          <Button color="red.8" leftSection={<Icon name="end" />} onClick={onEnd}>
            {t('visit.control.end')}
          </Button>
        ) : (
          <Button variant="outline" leftSection={<Icon name="leave" />} onClick={onLeave}>
            {t('visit.control.leave')}
          </Button>
        )}
      </Group>
      {shareFailed && (
        <Text size="sm" mt="xs" role="alert">
          {t('visit.control.shareFailed')}
        </Text>
      )}
    </div>
  );
}

/** Chat during the visit (kept as Communications of the Encounter by the server). */
function ChatPanel({ snap, live }: { snap: LiveSnapshot; live: LiveVisit }) {
  const { t, locale, timeZone } = useI18n();
  const [text, setText] = useState('');
  const [failed, setFailed] = useState(false);
  const sender = (from: string, mine: boolean) => {
    if (mine) return t('visit.chat.you');
    if (from === 'clinician' || from === 'patient') return t(`visit.role.${from}`);
    const kind = snap.call.present.find((p) => p.id === from)?.kind;
    return kind ? t(`visit.role.${kind}`) : t('visit.role.guest');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const sent = live.sendChat(text);
    setFailed(!sent);
    if (sent) setText('');
  };
  return (
    <Card withBorder component="section" aria-labelledby="chat-title">
      <Title order={2} size="h4" id="chat-title" mb="xs">
        {t('visit.chat.title')}
      </Title>
      <div role="log" aria-live="polite" aria-labelledby="chat-title" data-testid="chat-log">
        {snap.chat.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('visit.chat.empty')}
          </Text>
        ) : (
          <ul className="ov-chat-log">
            {snap.chat.map((c) => (
              <li key={c.id}>
                <Text size="sm" fw={600} component="span">
                  {sender(c.from, c.mine)}
                </Text>{' '}
                <Text size="xs" c="dimmed" component="span">
                  {formatTime(Date.parse(c.sent), locale, timeZone)}
                </Text>
                <Text style={{ overflowWrap: 'anywhere' }}>{c.text}</Text>
              </li>
            ))}
          </ul>
        )}
      </div>
      <form onSubmit={submit}>
        <Group align="flex-end" gap="xs" mt="sm" wrap="nowrap">
          <TextInput
            label={t('visit.chat.message')}
            value={text}
            maxLength={2000}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 0 }}
            error={failed ? t('visit.chat.notSent') : undefined}
          />
          <Button type="submit" leftSection={<Icon name="send" />}>
            {t('visit.chat.send')}
          </Button>
        </Group>
      </form>
    </Card>
  );
}

/** Advice from the server's quality watch: offers to decide on, notices of what changed. */
function Advice({ snap, live }: { snap: LiveSnapshot; live: LiveVisit }) {
  const { t } = useI18n();
  const bridge = snap.bridge;
  return (
    <>
      {snap.advice && (
        <Alert
          color="yellow"
          role="alert"
          data-testid="advice"
          styles={{ title: { color: 'var(--mantine-color-text)' } }}
          title={
            snap.advice === 'offer-audio-only' ? t('visit.advice.offerAudio') : t('visit.advice.offerVideo')
          }
        >
          <Group gap="xs" mt="xs">
            <Button size="sm" onClick={() => live.acceptAdvice()}>
              {snap.advice === 'offer-audio-only'
                ? t('visit.advice.switchToAudio')
                : t('visit.advice.turnVideoOn')}
            </Button>
            <Button size="sm" variant="default" onClick={() => live.declineAdvice()}>
              {snap.advice === 'offer-audio-only' ? t('visit.advice.keepVideo') : t('visit.advice.stayAudio')}
            </Button>
          </Group>
        </Alert>
      )}
      <div role="status" aria-live="polite" data-testid="call-notice">
        {snap.notice && (
          <Alert
            role="none"
            color="blue"
            withCloseButton
            closeButtonLabel={t('app.close')}
            onClose={() => live.dismissNotice()}
            title={t(`visit.notice.${snap.notice}`)}
          />
        )}
      </div>
      {bridge.state !== 'none' && (
        <Alert color="orange" role="alert" title={t('visit.bridge.title')} data-testid="phone-bridge">
          {bridge.state === 'loading' && <Text size="sm">{t('visit.bridge.loading')}</Text>}
          {bridge.state === 'ready' && (
            <Text size="sm">
              {t('visit.bridge.dial', { number: bridge.bridge.number, pin: bridge.bridge.pin })}
            </Text>
          )}
          {bridge.state === 'unavailable' && <Text size="sm">{t('visit.bridge.unavailable')}</Text>}
          {bridge.state === 'failed' && (
            <Group gap="xs">
              <Text size="sm">{t('visit.bridge.failed')}</Text>
              <Button size="xs" variant="default" onClick={() => void live.phoneBridge()}>
                {t('error.retry')}
              </Button>
            </Group>
          )}
        </Alert>
      )}
    </>
  );
}

/** "End the visit?" with the next steps the patient will see; then the survey. */
function EndVisitDialog({
  visitId,
  onClose,
  onEnded,
}: {
  visitId: string;
  onClose(): void;
  onEnded(): void;
}) {
  const { t } = useI18n();
  const visits = useVisits();
  const action = useAction();
  const [nextSteps, setNextSteps] = useState('');
  const submit = async () => {
    if (await action.run(() => visits.end(visitId, nextSteps))) onEnded();
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('visit.end.title')}
      closeButtonProps={{ 'aria-label': t('app.close') }}
    >
      <Stack gap="md">
        <Text>{t('visit.end.body')}</Text>
        <Textarea
          label={t('visit.end.nextSteps')}
          description={t('visit.end.nextStepsHint')}
          value={nextSteps}
          maxLength={4000}
          autosize
          minRows={4}
          onChange={(e) => setNextSteps(e.currentTarget.value)}
          data-autofocus
        />
        {action.failure !== null && <ErrorState error={action.failure} details />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('visit.end.keep')}
          </Button>
          <Button color="red.8" loading={action.busy} onClick={() => void submit()}>
            {t('visit.end.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * The call: the other participant's video (a tile each in a multi-party visit), the self-view,
 * the controls (microphone, camera, screen, audio only, end or leave), chat, the visit's timer,
 * and what the quality watch advises. Status changes are announced in a polite live region.
 */
export function VisitCall({
  visit,
  snap,
  live,
  onEnded,
  guest = false,
  onLeave,
}: {
  visit: Pick<VisitSummary, 'id' | 'admittedAt'>;
  snap: LiveSnapshot;
  live: LiveVisit;
  onEnded(): void;
  /** A guest's call (no account: nothing is read from the visit API). */
  guest?: boolean;
  /** Leaving (not the clinician, who ends the visit); default: back to the appointments. */
  onLeave?: () => void;
}) {
  const { t } = useI18n();
  const visits = useVisits();
  const navigate = useNavigate();
  const [ending, setEnding] = useState(false);
  const [admittedAt, setAdmittedAt] = useState(visit.admittedAt);
  const call = snap.call;
  const audioOnly = call.modality === 'audio';

  // Admitted after this page loaded its summary: the admission time comes from the server.
  useEffect(() => {
    if (admittedAt || guest) return;
    let current = true;
    visits.get(visit.id).then(
      (v) => current && setAdmittedAt(v.admittedAt),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [admittedAt, guest, visits, visit.id]);

  const otherName = snap.role === 'clinician' ? t('visit.role.patient') : t('visit.role.clinician');
  const waitingText =
    snap.role === 'guest'
      ? t('visit.status.waitingForOthers')
      : t('visit.status.waitingFor', { name: otherName });
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={1}>{snap.role === 'patient' ? t('visit.call.title') : t('visit.videoTitle')}</Title>
        <VisitTimer admittedAt={admittedAt} />
      </Group>
      <ConnectionNote snap={snap} />
      <Text
        role="status"
        aria-live="polite"
        data-testid="call-status"
        data-pc-state={call.connectionState}
        data-media-ready={call.mediaReady ? 'yes' : 'no'}
        data-modality={call.modality}
      >
        {callStatusText(t, snap)}
        {audioOnly ? ` ${t('visit.status.audioOnly')}` : ''}
      </Text>
      <Advice snap={snap} live={live} />
      <div className="ov-call-stage">
        <div className="ov-call-grid" data-testid="call-grid" data-mode={call.mode}>
          {call.tiles.length === 0 ? (
            <figure className="ov-tile">
              <div className="ov-tile-placeholder">
                <p>{waitingText}</p>
              </div>
            </figure>
          ) : (
            call.tiles.map((tile) => <RemoteView key={tile.id} tile={tile} audioOnly={audioOnly} />)
          )}
        </div>
        <div className="ov-call-self">
          <SelfView stream={snap.local.stream} cameraOn={call.cameraOn} audioOnly={audioOnly} />
        </div>
      </div>
      <Controls
        visitId={visit.id}
        snap={snap}
        live={live}
        onEnd={() => setEnding(true)}
        onLeave={onLeave ?? (() => void navigate('/appointments'))}
      />
      <ChatPanel snap={snap} live={live} />
      {ending && (
        <EndVisitDialog
          visitId={visit.id}
          onClose={() => setEnding(false)}
          onEnded={() => {
            setEnding(false);
            onEnded();
          }}
        />
      )}
    </Stack>
  );
}
