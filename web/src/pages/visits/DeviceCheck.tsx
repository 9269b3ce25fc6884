import { Alert, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  assessDeviceCheck,
  type DeviceCheckResult,
  type DeviceVerdict,
  type MediaDeviceStatus,
  type SpeakerStatus,
} from '../../../../server/src/modules/visits/checkin/device-check.js';
import {
  measureNetwork,
  type AuthFetch,
  type NetworkPhase,
  type NetworkResult,
} from '../../api/network-test.js';
import { formatNumber } from '../../i18n/format.js';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../../ui/ErrorState.js';

type Status = MediaDeviceStatus | 'checking';
type Phase = 'idle' | 'running' | 'done';

/** Why getUserMedia refused, in the device check's terms (names from the Media Capture spec). */
export function mediaStatusOf(err: unknown): MediaDeviceStatus {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'in-use';
    default:
      return 'error';
  }
}

interface Media {
  stream: MediaStream | null;
  camera: MediaDeviceStatus;
  microphone: MediaDeviceStatus;
}

/**
 * Camera and microphone together (one permission prompt); when that fails, each alone, to tell
 * which one is the problem (a laptop without a camera can still do an audio visit).
 */
async function acquireMedia(): Promise<Media> {
  const md = navigator.mediaDevices as MediaDevices | undefined;
  if (!md?.getUserMedia) return { stream: null, camera: 'error', microphone: 'error' };
  try {
    return { stream: await md.getUserMedia({ video: true, audio: true }), camera: 'ok', microphone: 'ok' };
  } catch {
    const tracks: MediaStreamTrack[] = [];
    const one = async (c: MediaStreamConstraints): Promise<MediaDeviceStatus> => {
      try {
        tracks.push(...(await md.getUserMedia(c)).getTracks());
        return 'ok';
      } catch (err) {
        return mediaStatusOf(err);
      }
    };
    const microphone = await one({ audio: true });
    const camera = await one({ video: true });
    return { stream: tracks.length ? new MediaStream(tracks) : null, camera, microphone };
  }
}

function newAudioContext(): AudioContext | null {
  const Ctor =
    window.AudioContext ??
    (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  return Ctor ? new Ctor() : null;
}

/** A one-second 440 Hz tone, faded in and out so it does not click. */
function playTone(ctx: AudioContext): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  const t0 = ctx.currentTime;
  osc.frequency.value = 440;
  gain.gain.setValueAtTime(0, t0);
  gain.gain.linearRampToValueAtTime(0.25, t0 + 0.05);
  gain.gain.setValueAtTime(0.25, t0 + 0.9);
  gain.gain.linearRampToValueAtTime(0, t0 + 1);
  osc.connect(gain).connect(ctx.destination);
  osc.start(t0);
  osc.stop(t0 + 1.05);
}

const VERDICT_COLOR: Record<DeviceVerdict, string> = {
  ready: 'green',
  'audio-only': 'yellow',
  'not-ready': 'red',
};

/**
 * The device and network test before a video visit: camera preview, microphone level, a test
 * sound, and the connection measured against OpenVisit; then the verdict with what to do about
 * each problem. `onDone` gets the result when the patient continues. Media tracks, the audio
 * context and a running measurement are all stopped when it unmounts or tests again.
 */
export function DeviceCheck({
  authFetch,
  onDone,
  headingLevel = 2,
}: {
  authFetch: AuthFetch;
  onDone: (result: DeviceCheckResult) => void;
  headingLevel?: 2 | 3;
}) {
  const { t, locale } = useI18n();
  const [phase, setPhase] = useState<Phase>('idle');
  const [camera, setCamera] = useState<Status>('checking');
  const [microphone, setMicrophone] = useState<Status>('checking');
  const [speaker, setSpeaker] = useState<SpeakerStatus>('unchecked');
  const [tonePlayed, setTonePlayed] = useState(false);
  const [netPhase, setNetPhase] = useState<NetworkPhase | null>(null);
  const [network, setNetwork] = useState<NetworkResult | null>(null);
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [level, setLevel] = useState(0);
  const [stream, setStream] = useState<MediaStream | null>(null);

  const streamRef = useRef<MediaStream | null>(null);
  const audioRef = useRef<AudioContext | null>(null);
  const meterRef = useRef<number | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const runRef = useRef(0);

  /** Stops what the last run started (tracks, meter, measurement); the audio context stays. */
  const stopRun = useCallback(() => {
    runRef.current++;
    abortRef.current?.abort();
    abortRef.current = null;
    if (meterRef.current !== null) window.clearInterval(meterRef.current);
    meterRef.current = null;
    streamRef.current?.getTracks().forEach((track) => track.stop());
    streamRef.current = null;
    setStream(null);
  }, []);

  useEffect(
    () => () => {
      stopRun();
      void audioRef.current?.close().catch(() => undefined);
      audioRef.current = null;
    },
    [stopRun],
  );

  /** The microphone's loudness (RMS of the waveform) ten times a second; never played back. */
  const startMeter = (ctx: AudioContext, s: MediaStream) => {
    if (s.getAudioTracks().length === 0) return;
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(s).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    meterRef.current = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 5));
    }, 100);
  };

  const start = () => {
    stopRun();
    const run = runRef.current;
    const current = () => run === runRef.current;
    // Created on the click: browsers start audio only after a gesture.
    audioRef.current ??= newAudioContext();
    void audioRef.current?.resume().catch(() => undefined);
    setPhase('running');
    setCamera('checking');
    setMicrophone('checking');
    setNetwork(null);
    setFailure(null);
    setLevel(0);
    const abort = new AbortController();
    abortRef.current = abort;

    const media = acquireMedia().then((m) => {
      if (!current()) {
        m.stream?.getTracks().forEach((track) => track.stop());
        return;
      }
      streamRef.current = m.stream;
      setStream(m.stream);
      setCamera(m.camera);
      setMicrophone(m.microphone);
      if (m.stream && audioRef.current) startMeter(audioRef.current, m.stream);
    });
    const net = measureNetwork(authFetch, {
      signal: abort.signal,
      onPhase: (p) => current() && setNetPhase(p),
    })
      .then((r) => {
        if (current()) setNetwork(r);
      })
      .catch((err: unknown) => {
        if (current()) setFailure(err);
      });
    void Promise.all([media, net]).then(() => {
      if (!current()) return;
      setNetPhase(null);
      setCheckedAt(new Date().toISOString());
      setPhase('done');
    });
  };

  const tone = () => {
    audioRef.current ??= newAudioContext();
    const ctx = audioRef.current;
    if (!ctx) return;
    void ctx.resume().then(() => playTone(ctx));
    setTonePlayed(true);
    // Played again (after turning the volume up): ask again.
    setSpeaker('unchecked');
  };

  const result: DeviceCheckResult | null =
    phase === 'done' && network && checkedAt && camera !== 'checking' && microphone !== 'checking'
      ? { camera, microphone, speaker, ...network, checkedAt }
      : null;
  const assessment = result ? assessDeviceCheck(result) : null;
  const h = headingLevel;
  const statusText = (s: Status) => t(`checkin.device.status.${s}`);

  return (
    <Stack gap="md">
      <div>
        <Title order={h}>{t('checkin.device.title')}</Title>
        <Text>{t('checkin.device.lead')}</Text>
      </div>

      {phase === 'idle' ? (
        <div>
          <Button onClick={start}>{t('checkin.device.start')}</Button>
        </div>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <Card withBorder component="section" aria-labelledby="dc-camera">
              <Title order={(h + 1) as 3 | 4} size="h4" id="dc-camera">
                {t('checkin.device.camera')}
              </Title>
              <Text size="sm" mb="xs">
                {statusText(camera)}
              </Text>
              {camera === 'ok' && (
                <video
                  ref={(el) => {
                    if (el && el.srcObject !== stream) el.srcObject = stream;
                  }}
                  autoPlay
                  muted
                  playsInline
                  aria-label={t('checkin.device.preview')}
                  style={{
                    width: '100%',
                    maxWidth: 320,
                    aspectRatio: '4 / 3',
                    background: '#000',
                    borderRadius: 8,
                    transform: 'scaleX(-1)',
                  }}
                />
              )}
            </Card>

            <Card withBorder component="section" aria-labelledby="dc-mic">
              <Title order={(h + 1) as 3 | 4} size="h4" id="dc-mic">
                {t('checkin.device.microphone')}
              </Title>
              <Text size="sm" mb="xs">
                {statusText(microphone)}
              </Text>
              {microphone === 'ok' && (
                <>
                  <label htmlFor="dc-mic-level" className="ov-small">
                    {t('checkin.device.micLevel')}
                  </label>
                  <meter
                    id="dc-mic-level"
                    min={0}
                    max={1}
                    low={0.05}
                    value={level}
                    style={{ display: 'block', width: '100%', height: 16 }}
                  />
                  <Text size="sm" c="dimmed" mt={4}>
                    {t('checkin.device.micHint')}
                  </Text>
                </>
              )}
            </Card>

            <Card withBorder component="section" aria-labelledby="dc-speaker">
              <Title order={(h + 1) as 3 | 4} size="h4" id="dc-speaker">
                {t('checkin.device.speaker')}
              </Title>
              <Stack gap="xs" mt="xs">
                <div>
                  <Button variant="default" onClick={tone}>
                    {t('checkin.device.playTone')}
                  </Button>
                </div>
                {tonePlayed && speaker === 'unchecked' && (
                  <div role="group" aria-labelledby="dc-speaker-ask">
                    <Text id="dc-speaker-ask" size="sm" mb={4}>
                      {t('checkin.device.speakerAsk')}
                    </Text>
                    <Group gap="xs">
                      <Button size="sm" onClick={() => setSpeaker('ok')}>
                        {t('checkin.device.heard')}
                      </Button>
                      <Button size="sm" variant="default" onClick={() => setSpeaker('not-heard')}>
                        {t('checkin.device.notHeard')}
                      </Button>
                    </Group>
                  </div>
                )}
                {speaker === 'ok' && <Text size="sm">{t('checkin.device.speakerHeard')}</Text>}
                {speaker === 'not-heard' && (
                  <Text size="sm">{t('checkin.device.problem.speaker-not-heard')}</Text>
                )}
              </Stack>
            </Card>

            <Card withBorder component="section" aria-labelledby="dc-network">
              <Title order={(h + 1) as 3 | 4} size="h4" id="dc-network">
                {t('checkin.device.network')}
              </Title>
              <div aria-live="polite">
                {netPhase && <Text size="sm">{t(`checkin.device.phase.${netPhase}`)}</Text>}
                {network && (
                  <List size="sm" listStyleType="none" spacing={2}>
                    <List.Item>
                      {network.downloadKbps === null
                        ? t('checkin.device.downloadFailed')
                        : t('checkin.device.download', { kbps: formatNumber(network.downloadKbps, locale) })}
                    </List.Item>
                    <List.Item>
                      {network.uploadKbps === null
                        ? t('checkin.device.uploadFailed')
                        : t('checkin.device.upload', { kbps: formatNumber(network.uploadKbps, locale) })}
                    </List.Item>
                    <List.Item>
                      {network.rttMs === null
                        ? t('checkin.device.rttFailed')
                        : t('checkin.device.rtt', { ms: formatNumber(network.rttMs, locale) })}
                    </List.Item>
                  </List>
                )}
              </div>
            </Card>
          </SimpleGrid>

          {failure !== null && <ErrorState error={failure} onRetry={start} />}

          <div role="status">
            {assessment && (
              <Alert
                role="group"
                color={VERDICT_COLOR[assessment.verdict]}
                // Green or yellow text on their light backgrounds is below 4.5:1: the colour is the box's.
                styles={{ title: { color: 'var(--mantine-color-text)' } }}
                title={t(`checkin.device.verdict.${assessment.verdict}`)}
              >
                {assessment.verdict === 'not-ready' && (
                  <Text size="sm">{t('checkin.device.notReadyHint')}</Text>
                )}
                {assessment.problems.length > 0 && (
                  <List size="sm" mt="xs" spacing={4}>
                    {assessment.problems.map((p) => (
                      <List.Item key={p}>{t(`checkin.device.problem.${p}`)}</List.Item>
                    ))}
                  </List>
                )}
              </Alert>
            )}
          </div>

          <Group gap="sm">
            <Button variant="default" onClick={start} disabled={phase === 'running'}>
              {t('checkin.device.again')}
            </Button>
            {result && assessment && (
              <Button onClick={() => onDone(result)}>
                {assessment.verdict === 'not-ready'
                  ? t('checkin.device.continueAnyway')
                  : t('checkin.device.continue')}
              </Button>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
