import { Button } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider.js';
import type { RemoteTile } from './call.js';
import './visits.css';

/** A `<video>` showing a stream (muted: sound goes through RemoteAudio). */
function StreamVideo({
  stream,
  label,
  mirrored = false,
  hidden = false,
  testId,
}: {
  stream: MediaStream | null;
  label: string;
  mirrored?: boolean;
  hidden?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    // Muted video may always play; a refusal leaves the element showing its first frame.
    void el.play().catch(() => undefined);
  }, [stream]);
  return (
    <video
      ref={ref}
      autoPlay
      muted
      playsInline
      aria-label={label}
      data-testid={testId}
      hidden={hidden}
      className={mirrored ? 'ov-video ov-video-mirrored' : 'ov-video'}
    />
  );
}

/** This side's camera, mirrored as people expect to see themselves. */
export function SelfView({
  stream,
  cameraOn,
  audioOnly,
}: {
  stream: MediaStream | null;
  cameraOn: boolean;
  audioOnly: boolean;
}) {
  const { t } = useI18n();
  const hasVideo = !!stream && stream.getVideoTracks().length > 0;
  const off = !hasVideo || !cameraOn || audioOnly;
  return (
    <figure className="ov-tile ov-tile-self" data-testid="self-view">
      <StreamVideo stream={stream} label={t('visit.selfView')} mirrored hidden={off} testId="self-video" />
      {off && (
        <div className="ov-tile-placeholder">
          <p>
            {!hasVideo
              ? t('visit.noCamera')
              : audioOnly
                ? t('visit.videoOffAudioOnly')
                : t('visit.cameraIsOff')}
          </p>
        </div>
      )}
      <figcaption className="ov-tile-caption">{t('visit.you')}</figcaption>
    </figure>
  );
}

/**
 * The other side's sound, in an `<audio>` of its own: a browser may refuse to start sound before
 * the page was used, and then a button asks for a click.
 */
function RemoteAudio({ stream }: { stream: MediaStream }) {
  const { t } = useI18n();
  const ref = useRef<HTMLAudioElement>(null);
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    el.play().then(
      () => setBlocked(false),
      () => setBlocked(true),
    );
  }, [stream]);
  return (
    <>
      <audio ref={ref} autoPlay />
      {blocked && (
        <Button
          size="xs"
          variant="white"
          className="ov-tile-sound"
          onClick={() =>
            void ref.current?.play().then(
              () => setBlocked(false),
              () => undefined,
            )
          }
        >
          {t('visit.turnOnSound')}
        </Button>
      )}
    </>
  );
}

/** One remote participant: their video (hidden in audio only), their sound, who they are. */
export function RemoteView({ tile, audioOnly }: { tile: RemoteTile; audioOnly: boolean }) {
  const { t } = useI18n();
  // Who they are by role only, never by name: "Clinician", "Patient", "Interpreter"…
  const name = tile.kind
    ? t(`visit.role.${tile.kind}`)
    : tile.role
      ? t(`visit.role.${tile.role}`)
      : t('visit.role.guest');
  const showVideo = tile.hasVideo && !audioOnly;
  return (
    <figure className="ov-tile" data-testid="remote-tile" data-participant={tile.id}>
      <StreamVideo
        stream={tile.stream}
        label={t('visit.videoOf', { name })}
        hidden={!showVideo}
        testId="remote-video"
      />
      {!showVideo && (
        <div className="ov-tile-placeholder">
          <p>{audioOnly ? t('visit.audioOnlyTile', { name }) : t('visit.noVideoTile', { name })}</p>
        </div>
      )}
      <RemoteAudio stream={tile.stream} />
      <figcaption className="ov-tile-caption">{name}</figcaption>
    </figure>
  );
}
