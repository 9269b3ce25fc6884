/**
 * The device and network test a patient runs before a video visit: what the browser reports, how
 * it is judged, and how a result sent by a client is checked. Pure and free of Node imports: the
 * web app imports this file to show the same verdict the server records.
 */

export type MediaDeviceStatus = 'ok' | 'denied' | 'missing' | 'in-use' | 'error';
export type SpeakerStatus = 'ok' | 'not-heard' | 'unchecked';

export interface DeviceCheckResult {
  camera: MediaDeviceStatus;
  microphone: MediaDeviceStatus;
  speaker: SpeakerStatus;
  /** Measured against OpenVisit's network-test routes; null when the measurement failed. */
  downloadKbps: number | null;
  uploadKbps: number | null;
  /** Median HTTP round trip to the server, milliseconds; null when no ping came back. */
  rttMs: number | null;
  /** ISO 8601 instant. */
  checkedAt: string;
}

export type DeviceProblem =
  | 'camera-denied'
  | 'camera-missing'
  | 'camera-in-use'
  | 'camera-error'
  | 'mic-denied'
  | 'mic-missing'
  | 'mic-in-use'
  | 'mic-error'
  | 'speaker-not-heard'
  | 'offline'
  | 'slow-download'
  | 'slow-upload'
  | 'high-latency';

export type DeviceVerdict = 'ready' | 'audio-only' | 'not-ready';

export interface DeviceAssessment {
  verdict: DeviceVerdict;
  /** In a fixed order: camera, microphone, speaker, network. */
  problems: DeviceProblem[];
}

/**
 * Where the thresholds come from:
 * - Video, 600 kbps down: Zoom's published requirement for high-quality 1:1 video is 600 kbps each
 *   way. The patient receives one clinician's stream (more with an interpreter on an SFU).
 * - Video, 400 kbps up: libwebrtc's simulcast table (`simulcast.cc`, kSimulcastFormats) gives a
 *   640x360 layer 150 to 700 kbps with a 450 kbps target; 400 kbps carries 360p with Opus beside it.
 *   Below that the encoder drops to thumbnails and freezes, and audio-only serves the visit better.
 * - Round trip 400 ms: ITU-T G.114 keeps one-way delay under 150 ms for good conversation and calls
 *   over 400 ms one-way unacceptable for planning. A 400 ms round trip is about 200 ms one way before
 *   jitter buffers and codecs add their share; a slower link makes people talk over each other,
 *   and video's larger packets and queues make it worse, so video is not advised.
 * - Audio only, 100 kbps each way: Opus needs 16 to 40 kbps for speech (RFC 7587, section 3.1.1),
 *   IP/UDP/RTP/SRTP headers add about 20 kbps at 50 packets a second, plus RTCP, with headroom for
 *   the HTTP test measuring less steadily than a media stream.
 * The HTTP measurement is coarse (TCP, one server); the call itself adapts, and quality/ watches it.
 */
export const DEVICE_THRESHOLDS = {
  videoDownloadKbps: 600,
  videoUploadKbps: 400,
  videoMaxRttMs: 400,
  audioDownloadKbps: 100,
  audioUploadKbps: 100,
} as const;

const MEDIA_STATUSES: readonly MediaDeviceStatus[] = ['ok', 'denied', 'missing', 'in-use', 'error'];
const SPEAKER_STATUSES: readonly SpeakerStatus[] = ['ok', 'not-heard', 'unchecked'];

/**
 * The verdict on a device check:
 * - `not-ready`: no working microphone, the test sound not heard, no network, or less than the
 *   audio-only rate either way. The patient should fix that, or join by phone.
 * - `audio-only`: no camera, or a network good for audio but not for video.
 * - `ready`: everything, including an unchecked speaker (the patient skipped the sound test).
 */
export function assessDeviceCheck(r: DeviceCheckResult): DeviceAssessment {
  const t = DEVICE_THRESHOLDS;
  const problems: DeviceProblem[] = [];
  let notReady = false;
  let audioOnly = false;

  if (r.camera !== 'ok') {
    problems.push(`camera-${r.camera}`);
    audioOnly = true;
  }
  if (r.microphone !== 'ok') {
    problems.push(`mic-${r.microphone}`);
    notReady = true;
  }
  if (r.speaker === 'not-heard') {
    problems.push('speaker-not-heard');
    notReady = true;
  }

  const { downloadKbps: down, uploadKbps: up, rttMs: rtt } = r;
  if (down === null || up === null || rtt === null) {
    problems.push('offline');
    notReady = true;
  } else {
    if (down < t.videoDownloadKbps) problems.push('slow-download');
    if (up < t.videoUploadKbps) problems.push('slow-upload');
    if (rtt > t.videoMaxRttMs) problems.push('high-latency');
    if (down < t.audioDownloadKbps || up < t.audioUploadKbps) notReady = true;
    else if (down < t.videoDownloadKbps || up < t.videoUploadKbps || rtt > t.videoMaxRttMs) audioOnly = true;
  }

  return { verdict: notReady ? 'not-ready' : audioOnly ? 'audio-only' : 'ready', problems };
}

/** A device check a client sent that cannot be right; the message names the field, not the value. */
export class DeviceCheckError extends Error {
  override name = 'DeviceCheckError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`Device check ${field}: ${reason}`);
  }
}

/** Far above any access link (10 Gbit/s): larger is a units mix-up or a broken client. */
const MAX_KBPS = 10_000_000;
/** A minute: the test's own timeouts are far shorter. */
const MAX_RTT_MS = 60_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const FIELDS = ['camera', 'microphone', 'speaker', 'downloadKbps', 'uploadKbps', 'rttMs', 'checkedAt'];

function measurement(input: Record<string, unknown>, field: string, max: number): number | null {
  const v = input[field];
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new DeviceCheckError(field, 'must be a number or null');
  if (v < 0 || v > max) throw new DeviceCheckError(field, `must be within 0..${max}`);
  return v;
}

function oneOf<T extends string>(input: Record<string, unknown>, field: string, allowed: readonly T[]): T {
  const v = input[field];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw new DeviceCheckError(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/**
 * A device check result as a client sent it (a request body), checked field by field: every field
 * present, nothing else, statuses from their lists, measurements finite and in range or null,
 * `checkedAt` an ISO instant with a zone. Returns a fresh object; throws DeviceCheckError.
 */
export function parseDeviceCheck(input: unknown): DeviceCheckResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new DeviceCheckError('(body)', 'must be a JSON object');
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!FIELDS.includes(key))
      throw new DeviceCheckError('(body)', 'has a field that is not part of a device check');
  for (const key of FIELDS) if (!Object.hasOwn(o, key)) throw new DeviceCheckError(key, 'is missing');
  const checkedAt = o.checkedAt;
  if (typeof checkedAt !== 'string' || !ISO_INSTANT.test(checkedAt) || Number.isNaN(Date.parse(checkedAt)))
    throw new DeviceCheckError('checkedAt', 'must be an ISO 8601 instant with a time zone');
  return {
    camera: oneOf(o, 'camera', MEDIA_STATUSES),
    microphone: oneOf(o, 'microphone', MEDIA_STATUSES),
    speaker: oneOf(o, 'speaker', SPEAKER_STATUSES),
    downloadKbps: measurement(o, 'downloadKbps', MAX_KBPS),
    uploadKbps: measurement(o, 'uploadKbps', MAX_KBPS),
    rttMs: measurement(o, 'rttMs', MAX_RTT_MS),
    checkedAt,
  };
}
