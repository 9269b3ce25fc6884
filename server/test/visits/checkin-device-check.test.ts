import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assessDeviceCheck,
  checkinHttpError,
  DEVICE_THRESHOLDS,
  DeviceCheckError,
  parseDeviceCheck,
  type DeviceCheckResult,
} from '../../src/modules/visits/checkin/index.js';
import { FhirError } from '../../src/platform/http/operation-outcome.js';

const GOOD: DeviceCheckResult = {
  camera: 'ok',
  microphone: 'ok',
  speaker: 'ok',
  downloadKbps: 25_000,
  uploadKbps: 5_000,
  rttMs: 40,
  checkedAt: '2025-03-03T13:58:00.123Z',
};

const verdictOf = (r: Partial<DeviceCheckResult>) => assessDeviceCheck({ ...GOOD, ...r });

describe('assessDeviceCheck', () => {
  it('everything working on broadband: ready, no problems; a skipped sound test does not block', () => {
    assert.deepEqual(verdictOf({}), { verdict: 'ready', problems: [] });
    assert.deepEqual(verdictOf({ speaker: 'unchecked' }), { verdict: 'ready', problems: [] });
  });

  it('the thresholds are the documented ones', () => {
    assert.deepEqual(DEVICE_THRESHOLDS, {
      videoDownloadKbps: 600,
      videoUploadKbps: 400,
      videoMaxRttMs: 400,
      audioDownloadKbps: 100,
      audioUploadKbps: 100,
    });
  });

  it('video at exactly the thresholds is ready; just under, audio only with the reason', () => {
    assert.deepEqual(verdictOf({ downloadKbps: 600, uploadKbps: 400, rttMs: 400 }), {
      verdict: 'ready',
      problems: [],
    });
    assert.deepEqual(verdictOf({ downloadKbps: 599 }), {
      verdict: 'audio-only',
      problems: ['slow-download'],
    });
    assert.deepEqual(verdictOf({ uploadKbps: 399 }), { verdict: 'audio-only', problems: ['slow-upload'] });
    assert.deepEqual(verdictOf({ rttMs: 401 }), { verdict: 'audio-only', problems: ['high-latency'] });
    assert.deepEqual(verdictOf({ downloadKbps: 100, uploadKbps: 100, rttMs: 900 }), {
      verdict: 'audio-only',
      problems: ['slow-download', 'slow-upload', 'high-latency'],
    });
  });

  it('below the audio rate either way: not ready', () => {
    assert.deepEqual(verdictOf({ downloadKbps: 99 }), { verdict: 'not-ready', problems: ['slow-download'] });
    assert.deepEqual(verdictOf({ uploadKbps: 0 }), { verdict: 'not-ready', problems: ['slow-upload'] });
  });

  it('no measurement at all is offline, not slow', () => {
    for (const gap of [{ downloadKbps: null }, { uploadKbps: null }, { rttMs: null }] as const)
      assert.deepEqual(verdictOf(gap), { verdict: 'not-ready', problems: ['offline'] });
  });

  it('no camera: audio only, with what is wrong with it', () => {
    for (const camera of ['denied', 'missing', 'in-use', 'error'] as const)
      assert.deepEqual(verdictOf({ camera }), { verdict: 'audio-only', problems: [`camera-${camera}`] });
  });

  it('no microphone, or the test sound not heard: not ready', () => {
    for (const microphone of ['denied', 'missing', 'in-use', 'error'] as const)
      assert.deepEqual(verdictOf({ microphone }), { verdict: 'not-ready', problems: [`mic-${microphone}`] });
    assert.deepEqual(verdictOf({ speaker: 'not-heard' }), {
      verdict: 'not-ready',
      problems: ['speaker-not-heard'],
    });
  });

  it('lists every problem in a fixed order: camera, microphone, speaker, network', () => {
    assert.deepEqual(
      verdictOf({
        camera: 'denied',
        microphone: 'missing',
        speaker: 'not-heard',
        downloadKbps: 50,
        rttMs: 800,
      }),
      {
        verdict: 'not-ready',
        problems: ['camera-denied', 'mic-missing', 'speaker-not-heard', 'slow-download', 'high-latency'],
      },
    );
  });

  it('is free of Node imports, so the web app can use it', () => {
    const source = fs.readFileSync(
      fileURLToPath(new URL('../../src/modules/visits/checkin/device-check.ts', import.meta.url)),
      'utf8',
    );
    assert.doesNotMatch(source, /^import\s/m);
    assert.doesNotMatch(source, /\b(Buffer|process|require)\b/);
  });
});

describe('parseDeviceCheck', () => {
  it('takes a well-formed result, as a fresh object', () => {
    const input = { ...GOOD };
    const parsed = parseDeviceCheck(input);
    assert.deepEqual(parsed, GOOD);
    assert.notEqual(parsed, input);
    const nulls = {
      ...GOOD,
      downloadKbps: null,
      uploadKbps: null,
      rttMs: null,
      checkedAt: '2025-03-03T08:58:00-05:00',
    };
    assert.deepEqual(parseDeviceCheck(JSON.parse(JSON.stringify(nulls))), nulls);
  });

  const refusals: [string, unknown, string][] = [
    ['not an object', 'ok', '(body)'],
    ['an array', [GOOD], '(body)'],
    ['null', null, '(body)'],
    ['an extra field', { ...GOOD, verdict: 'ready' }, '(body)'],
    ['a field missing', { ...GOOD, speaker: undefined }, 'speaker'],
    ['an unknown camera status', { ...GOOD, camera: 'blocked' }, 'camera'],
    ['a microphone status of the wrong type', { ...GOOD, microphone: true }, 'microphone'],
    ['an unknown speaker status', { ...GOOD, speaker: 'denied' }, 'speaker'],
    ['a rate as text', { ...GOOD, downloadKbps: '5000' }, 'downloadKbps'],
    ['a negative rate', { ...GOOD, uploadKbps: -1 }, 'uploadKbps'],
    ['an absurd rate', { ...GOOD, uploadKbps: 1e9 }, 'uploadKbps'],
    ['an infinite round trip', { ...GOOD, rttMs: Number.POSITIVE_INFINITY }, 'rttMs'],
    ['a round trip over a minute', { ...GOOD, rttMs: 60_001 }, 'rttMs'],
    ['a date without a time', { ...GOOD, checkedAt: '2025-03-03' }, 'checkedAt'],
    ['a time without a zone', { ...GOOD, checkedAt: '2025-03-03T13:58:00' }, 'checkedAt'],
    ['a time as a number', { ...GOOD, checkedAt: 1_741_010_280_000 }, 'checkedAt'],
  ];
  for (const [what, input, field] of refusals) {
    it(`refuses ${what}, naming ${field}`, () => {
      assert.throws(
        () => parseDeviceCheck(input),
        (e) =>
          e instanceof DeviceCheckError &&
          e.field === field &&
          e.message.startsWith(`Device check ${field}:`),
      );
    });
  }

  it('never echoes what the client sent, and becomes a 400', () => {
    let thrown: unknown;
    try {
      parseDeviceCheck({ ...GOOD, camera: 'Jane Doe 1970-01-01' });
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof DeviceCheckError);
    assert.ok(!thrown.message.includes('Jane'));
    const http = checkinHttpError(thrown);
    assert.ok(http instanceof FhirError);
    assert.equal(http.status, 400);
    assert.ok(!JSON.stringify(http.outcome).includes('Jane'));
  });
});
