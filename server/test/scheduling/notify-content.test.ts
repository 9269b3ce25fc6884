import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { notifyConfigFromEnv } from '../../src/modules/scheduling/notify/config.js';
import { fold, icsCalendar } from '../../src/modules/scheduling/notify/ics.js';
import { noticeMetrics } from '../../src/modules/scheduling/notify/metrics.js';
import { contactOf } from '../../src/modules/scheduling/notify/patient.js';
import {
  emailContent,
  portalLink,
  SMS_MAX,
  smsText,
  type MessageInput,
} from '../../src/modules/scheduling/notify/templates.js';
import { parseIcs } from './notify-support.js';

const START = new Date('2026-03-17T14:00:00Z'); // a Tuesday; 10:00 in New York (EDT), 15:00 in Madrid

function input(over: Partial<MessageInput> = {}): MessageInput {
  return {
    kind: 'confirmation',
    language: 'en',
    timeZone: 'America/New_York',
    firstName: 'Ana',
    startsAt: START,
    link: 'https://visit.example.org/app/appointments/appt-1',
    ...over,
  };
}

test('English e-mail: a generic subject, the first name, the local time and the portal link', () => {
  const m = emailContent(input());
  assert.equal(m.subject, 'Your appointment is confirmed');
  assert.match(m.text, /^Hi Ana,/);
  assert.match(m.text, /Tuesday, March 17, 2026 at 10:00\sAM EDT/);
  assert.match(m.text, /https:\/\/visit\.example\.org\/app\/appointments\/appt-1/);
  assert.match(m.html, /<a href="https:\/\/visit\.example\.org\/app\/appointments\/appt-1">/);
  assert.doesNotMatch(m.subject, /Ana/, 'the subject line (shown in notification previews) has no name');
});

test('Spanish e-mail and SMS, with the time in the patient zone', () => {
  const es = input({ language: 'es', timeZone: 'Europe/Madrid' });
  const m = emailContent(es);
  assert.equal(m.subject, 'Su cita está confirmada');
  assert.match(m.text, /^Hola Ana,/);
  assert.match(m.text, /martes, 17 de marzo de 2026, 15:00/);
  const sms = smsText({ ...es, kind: 'reminder' });
  assert.match(sms, /^OpenVisit: Hola Ana, le recordamos su cita del martes, 17 de marzo de 2026, 15:00/);
});

test('every kind has its own line in both languages', () => {
  const seen = new Set<string>();
  for (const language of ['en', 'es'] as const)
    for (const kind of ['confirmation', 'reminder', 'changed', 'cancelled', 'waitlist-offer'] as const) {
      const m = emailContent(input({ language, kind, expiresAt: new Date(START.getTime() - 3_600_000) }));
      assert.ok(!seen.has(m.subject), `${language} ${kind} subject is distinct`);
      seen.add(m.subject);
    }
  const offer = emailContent(input({ kind: 'waitlist-offer', expiresAt: new Date('2026-03-16T18:30:00Z') }));
  assert.match(offer.text, /held for you until Monday, March 16, 2026 at 2:30\sPM EDT/);
});

test('HTML is escaped and control characters never reach a message', () => {
  const m = emailContent(input({ firstName: '<b>Ana</b>\r\nBcc: x@y' }));
  assert.doesNotMatch(m.html, /<b>Ana/);
  assert.match(m.html, /&lt;b&gt;Ana&lt;\/b&gt;/);
  assert.doesNotMatch(m.text, /\r/);
  assert.equal(smsText(input({ firstName: 'A\nB' })).includes('\n'), false);
});

test('an SMS stays within 320 characters, however long the name', () => {
  const long = smsText(
    input({ firstName: 'Maximiliana'.repeat(40), kind: 'waitlist-offer', expiresAt: START }),
  );
  assert.ok(long.length <= SMS_MAX, `${long.length} characters`);
  assert.match(long, /https:\/\/visit\.example\.org\/app\/appointments\/appt-1$/);
  const normal = smsText(input());
  assert.equal(
    normal,
    'OpenVisit: Hi Ana, your appointment is confirmed for Tuesday, March 17, 2026 at 10:00 AM EDT. https://visit.example.org/app/appointments/appt-1',
  );
  assert.equal(smsText(input({ firstName: '' })).startsWith('OpenVisit: Hello, your'), true);
});

test('portal links name only the appointment or the offer', () => {
  assert.equal(portalLink('https://x.org/', { appointmentId: 'a1' }), 'https://x.org/app/appointments/a1');
  assert.equal(portalLink('https://x.org', { appointmentId: null }), 'https://x.org/app/appointments');
  assert.equal(portalLink('https://x.org', { offerId: 'o1' }), 'https://x.org/app/appointments/offers/o1');
});

test('.ics: CRLF lines of at most 75 octets, unfolding to the event', () => {
  const ics = icsCalendar({
    uid: 'appt-1@openvisit',
    sequence: 3,
    start: START,
    end: new Date(START.getTime() + 1_800_000),
    stamp: new Date('2026-03-01T08:00:00Z'),
    summary: 'Cita de OpenVisit',
    description:
      'Vea los detalles en el portal del paciente: https://visit.example.org/app/appointments/' +
      'x'.repeat(80),
    url: 'https://visit.example.org/app/appointments/' + 'x'.repeat(80),
    method: 'REQUEST',
    organizer: 'noreply@clinic.example',
  });
  assert.ok(ics.endsWith('\r\n'));
  for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  assert.equal(ics.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF');
  const p = parseIcs(ics);
  assert.deepEqual(p.get('METHOD'), ['REQUEST']);
  assert.deepEqual(p.get('DTSTART'), ['20260317T140000Z']);
  assert.deepEqual(p.get('DTEND'), ['20260317T143000Z']);
  assert.deepEqual(p.get('DTSTAMP'), ['20260301T080000Z']);
  assert.deepEqual(p.get('SEQUENCE'), ['3']);
  assert.deepEqual(p.get('STATUS'), ['CONFIRMED']);
  assert.deepEqual(p.get('URL'), ['https://visit.example.org/app/appointments/' + 'x'.repeat(80)]);
  assert.deepEqual(p.get('ORGANIZER'), ['mailto:noreply@clinic.example']);
  assert.equal(p.get('BEGIN')?.join(','), 'VCALENDAR,VEVENT');
});

test('.ics folding never splits a UTF-8 character, and TEXT is escaped', () => {
  const line = 'SUMMARY:' + 'ñ'.repeat(100);
  const folded = fold(line);
  for (const l of folded.split('\r\n')) assert.ok(Buffer.byteLength(l) <= 75);
  assert.equal(folded.replace(/\r\n /g, ''), line);
  const ics = icsCalendar({
    uid: 'u',
    sequence: 1,
    start: START,
    end: START,
    stamp: START,
    summary: 'a,b;c\\d',
    description: 'x\ny',
    url: 'https://x.org/a\r\nBEGIN:VEVENT',
    method: 'CANCEL',
  });
  const p = parseIcs(ics);
  assert.deepEqual(p.get('SUMMARY'), ['a\\,b\\;c\\\\d']);
  assert.deepEqual(p.get('DESCRIPTION'), ['x\\ny']);
  assert.deepEqual(p.get('STATUS'), ['CANCELLED']);
  assert.deepEqual(
    p.get('BEGIN'),
    ['VCALENDAR', 'VEVENT'],
    'a line break in a value cannot open a component',
  );
  assert.equal(p.has('ORGANIZER'), false);
});

test('preferences read as the web app writes them, with its defaults', () => {
  const tz = 'http://hl7.org/fhir/StructureDefinition/tz-code';
  const both = contactOf(
    {
      name: [
        { use: 'usual', given: ['Nick'] },
        { use: 'official', given: ['Nicolás', 'José'] },
      ],
      telecom: [
        { system: 'phone', value: '+1 555 0100', use: 'home' },
        { system: 'phone', value: '+1 555 0199', use: 'mobile' },
        { system: 'email', value: 'nico@example.org' },
      ],
      communication: [
        { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es-MX' }] }, preferred: true },
      ],
      extension: [
        { url: tz, valueCode: 'America/Chicago' },
        { url: 'urn:openvisit:notification-channel', valueCode: 'sms' },
        { url: 'urn:openvisit:notification-channel', valueCode: 'email' },
      ],
    },
    'America/New_York',
  );
  assert.deepEqual(both, {
    firstName: 'Nicolás',
    email: 'nico@example.org',
    mobile: '+1 555 0199',
    channels: ['sms', 'email'],
    language: 'es',
    timeZone: 'America/Chicago',
  });
  const emailOnly = contactOf(
    {
      telecom: [
        { system: 'email', value: 'a@b.org' },
        { system: 'phone', value: '1', use: 'mobile' },
      ],
    },
    'UTC',
  );
  assert.deepEqual(emailOnly.channels, ['email'], 'no choice recorded: e-mail when there is an address');
  const smsOnly = contactOf({ telecom: [{ system: 'phone', value: '+15550199', use: 'mobile' }] }, 'UTC');
  assert.deepEqual(smsOnly.channels, ['sms'], 'else SMS when there is a mobile number');
  assert.deepEqual(
    contactOf({ telecom: [{ system: 'phone', value: '1', use: 'home' }] }, 'UTC').channels,
    [],
  );
  const odd = contactOf({ extension: [{ url: tz, valueCode: 'Mars/Olympus' }] }, 'America/New_York');
  assert.equal(odd.timeZone, 'America/New_York', 'an unknown zone falls back to the default');
  assert.equal(odd.language, 'en');
});

test('configuration: defaults, channels, and errors that never echo a secret', () => {
  const none = notifyConfigFromEnv({}, { baseUrl: 'http://localhost:8080' });
  assert.deepEqual(none, {
    baseUrl: 'http://localhost:8080',
    defaultTimeZone: 'America/New_York',
    reminderOffsetsMin: [1440, 60],
    pollMs: 15_000,
    email: undefined,
    sms: undefined,
  });
  const full = notifyConfigFromEnv({
    BASE_URL: 'https://visit.example.org/',
    SMTP_URL: 'smtp://u:p@mail.example.org:587',
    MAIL_FROM: 'OpenVisit <noreply@example.org>',
    SMS_PROVIDER: 'twilio',
    SMS_ACCOUNT_SID: 'AC123',
    SMS_AUTH_TOKEN: 'tok',
    SMS_FROM: '+15550000',
    REMINDER_OFFSETS: '60, 2880,60',
    NOTIFY_TIME_ZONE: 'America/Los_Angeles',
  });
  assert.equal(full.baseUrl, 'https://visit.example.org');
  assert.deepEqual(full.reminderOffsetsMin, [2880, 60]);
  assert.deepEqual(full.email, {
    url: 'smtp://u:p@mail.example.org:587',
    from: 'OpenVisit <noreply@example.org>',
  });
  assert.equal(full.sms?.apiBase, 'https://api.twilio.com');
  assert.deepEqual(notifyConfigFromEnv({ REMINDER_OFFSETS: 'none' }).reminderOffsetsMin, []);
  const secret = 'hunter2-secret';
  for (const env of [
    { SMTP_URL: `http://user:${secret}@host` },
    { SMTP_URL: `smtp://user:${secret}@host` },
    { SMS_PROVIDER: 'twilio', SMS_AUTH_TOKEN: secret },
    { SMS_PROVIDER: secret },
    { REMINDER_OFFSETS: secret },
    { NOTIFY_TIME_ZONE: secret },
  ])
    assert.throws(
      () => notifyConfigFromEnv(env),
      (err: Error) => !err.message.includes(secret),
    );
});

test('the metric counts by kind, channel and outcome only', async () => {
  const register = new Registry();
  const onOutcome = noticeMetrics(register);
  onOutcome({ kind: 'reminder', channel: 'sms', outcome: 'sent' });
  onOutcome({ kind: 'reminder', channel: 'sms', outcome: 'sent' });
  const text = await register.metrics();
  assert.match(text, /^scheduling_notices_total\{kind="reminder",channel="sms",outcome="sent"\} 2$/m);
  assert.match(
    text,
    /^scheduling_notices_total\{kind="waitlist-offer",channel="email",outcome="failed"\} 0$/m,
  );
  const [metric] = await register.getMetricsAsJSON();
  const labels = new Set(metric?.values.flatMap((v) => Object.keys(v.labels)));
  assert.deepEqual([...labels].sort(), ['channel', 'kind', 'outcome']);
});
