import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { SmtpEmailSender } from '../../src/modules/scheduling/notify/email/smtp.js';
import { enqueueBookingNotices } from '../../src/modules/scheduling/notify/enqueue.js';
import { sendToken } from '../../src/modules/scheduling/notify/keys.js';
import {
  NotificationWorker,
  type NoticeLog,
  type NotificationWorkerOptions,
} from '../../src/modules/scheduling/notify/worker.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  createPatient,
  inMinutes,
  insertBooking,
  notices,
  parseIcs,
  parseMail,
  startSmtp,
  type PatientSpec,
  type TestSmtp,
} from './notify-support.js';

const BASE = 'https://visit.example.org';
const FROM = 'OpenVisit <noreply@clinic.example>';

let t: TestDatabase;
let smtp: TestSmtp;
// The platform's own logger, writing into this list: what the worker logs is what production logs.
const logLines: string[] = [];
const log: NoticeLog = createLogger({
  level: 'info',
  stream: { write: (line: string) => void logLines.push(line) },
});

before(async () => {
  t = await createTestDatabase();
  smtp = await startSmtp();
});

after(async () => {
  await smtp?.close();
  await t?.close();
});

beforeEach(async () => {
  // Each test sees only its own notices and messages.
  await t.db.relayTransaction((q) =>
    q.query(`UPDATE sched_notice SET status = 'skipped' WHERE status IN ('pending', 'sending')`),
  );
  smtp.messages.length = 0;
});

function worker(over: Partial<NotificationWorkerOptions> = {}): NotificationWorker {
  return new NotificationWorker({
    db: t.db,
    baseUrl: BASE,
    defaultTimeZone: 'America/New_York',
    email: new SmtpEmailSender({ url: smtp.url, from: FROM }),
    log,
    ...over,
  });
}

/** The PHI a message must not carry, for a patient made with `sensitive`. */
const SENSITIVE = {
  family: 'Quintero-Villalobos',
  birthDate: '1984-07-09',
  visitType: 'bh-therapy-50',
  practitioner: 'dr-halvorsen-77',
};

function sensitive(over: Partial<PatientSpec> = {}): PatientSpec {
  return {
    given: 'Ana',
    family: SENSITIVE.family,
    birthDate: SENSITIVE.birthDate,
    email: `ana.${crypto.randomUUID().slice(0, 8)}@example.org`,
    ...over,
  };
}

async function bookAndConfirm(
  tenantId: number,
  patientId: string,
  startsAt: Date,
  over: { appointmentId?: string | null; offsets?: number[] } = {},
): Promise<{ bookingId: string; appointmentId: string | null }> {
  const appointmentId = over.appointmentId === undefined ? `appt-${crypto.randomUUID()}` : over.appointmentId;
  const bookingId = await insertBooking(t.db, tenantId, {
    patientId,
    startsAt,
    durationMin: 50,
    appointmentId,
    visitTypeId: SENSITIVE.visitType,
    practitionerId: `${SENSITIVE.practitioner}-${crypto.randomUUID().slice(0, 8)}`,
  });
  await t.db.transaction(tenantId, (q) =>
    enqueueBookingNotices(q, tenantId, {
      bookingId,
      patientId,
      kind: 'confirmation',
      version: 1,
      startsAt,
      reminderOffsetsMin: over.offsets ?? [1440, 60],
      now: new Date(),
    }),
  );
  return { bookingId, appointmentId };
}

function icsUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

test('a confirmation e-mail: subject, body, portal link, .ics and a deterministic Message-ID', async () => {
  const spec = sensitive();
  const patientId = await createPatient(t, t.tenantA, spec);
  const startsAt = new Date('2031-03-18T14:00:00Z');
  const { bookingId, appointmentId } = await bookAndConfirm(t.tenantA, patientId, startsAt);
  const w = worker();
  assert.equal(await w.drain(), 1, 'only the confirmation is due; the reminders wait');
  assert.equal(smtp.messages.length, 1);
  const received = smtp.messages[0]!;
  assert.deepEqual(received.to, [spec.email]);
  assert.equal(received.from, 'noreply@clinic.example');
  const mail = parseMail(received.raw);
  assert.equal(mail.subject, 'Your appointment is confirmed');
  assert.match(mail.text, /^Hi Ana,/);
  assert.match(mail.text, /Tuesday, March 18, 2031 at 10:00\sAM EDT/);
  const link = `${BASE}/app/appointments/${appointmentId}`;
  assert.ok(mail.text.includes(link));
  assert.ok(mail.html.includes(`href="${link}"`));
  assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');

  const key = `${bookingId}:confirmation:v1:email`;
  assert.equal(mail.messageId, `<${sendToken(t.tenantA, key)}@clinic.example>`);

  assert.ok(mail.ics, 'an .ics attachment');
  assert.equal(mail.ics.filename, 'appointment.ics');
  assert.match(mail.ics.contentType, /^text\/calendar/);
  assert.match(mail.ics.contentType, /method=REQUEST/);
  const ics = parseIcs(mail.ics.content);
  assert.deepEqual(ics.get('METHOD'), ['REQUEST']);
  assert.deepEqual(ics.get('DTSTART'), [icsUtc(startsAt)]);
  assert.deepEqual(ics.get('DTEND'), [icsUtc(new Date(startsAt.getTime() + 50 * 60_000))]);
  assert.deepEqual(ics.get('UID'), [`${appointmentId}@openvisit`]);
  assert.deepEqual(ics.get('SEQUENCE'), ['1']);
  assert.deepEqual(ics.get('SUMMARY'), ['OpenVisit appointment']);
  assert.deepEqual(ics.get('URL'), [link]);

  const [row] = (await notices(t.db, t.tenantA, bookingId)).filter((r) => r.kind === 'confirmation');
  assert.equal(row?.status, 'sent');
  assert.equal(row?.attempts, 1);
  assert.equal(row?.provider_message_id, mail.messageId);
  assert.deepEqual(w.outcomes(), [{ kind: 'confirmation', channel: 'email', outcome: 'sent', count: 1 }]);
});

test('no PHI: the first name, but not the family name, birth date, visit type, service line or clinician', async () => {
  const spec = sensitive();
  const patientId = await createPatient(t, t.tenantA, spec);
  const startsAt = inMinutes(3 * 1440);
  const { bookingId } = await bookAndConfirm(t.tenantA, patientId, startsAt);
  await worker().drain();
  // A reminder too, and a cancellation: every kind of e-mail this patient can get.
  await worker({ clock: () => inMinutes(-59, startsAt.getTime()) }).drain();
  await t.db.query(t.tenantA, `UPDATE sched_booking SET status = 'cancelled', version = 2 WHERE id = $1`, [
    bookingId,
  ]);
  await t.db.transaction(t.tenantA, (q) =>
    enqueueBookingNotices(q, t.tenantA, {
      bookingId,
      patientId,
      kind: 'cancelled',
      version: 2,
      startsAt,
      reminderOffsetsMin: [],
      now: new Date(),
    }),
  );
  await worker().drain();
  assert.equal(smtp.messages.length, 4, 'confirmation, two reminders, cancellation');
  for (const m of smtp.messages) {
    const mail = parseMail(m.raw);
    // Decoded parts and the headers (not the raw transfer encoding, where any letters may occur).
    const headers = [...mail.headers].filter(([k]) => k !== 'message-id' && k !== 'content-type');
    const everything = [
      mail.subject,
      mail.text,
      mail.html,
      mail.ics?.content ?? '',
      JSON.stringify(headers),
    ].join('\n');
    assert.ok(mail.text.includes('Ana'), 'the first name is there');
    for (const phi of [
      SENSITIVE.family,
      'Quintero',
      SENSITIVE.birthDate,
      '1984',
      SENSITIVE.visitType,
      'therapy',
      'behavio',
      SENSITIVE.practitioner,
      'halvorsen',
      'Middle',
      '555 0100',
    ])
      assert.ok(!everything.toLowerCase().includes(phi.toLowerCase()), `"${phi}" must not appear`);
  }
});

test('a cancellation carries METHOD:CANCEL for the same event, and retires the reminders', async () => {
  const patientId = await createPatient(t, t.tenantA, sensitive());
  const startsAt = inMinutes(2 * 1440);
  const { bookingId, appointmentId } = await bookAndConfirm(t.tenantA, patientId, startsAt);
  await worker().drain();
  await t.db.transaction(t.tenantA, async (q) => {
    await q.query(`UPDATE sched_booking SET status = 'cancelled', version = 2 WHERE id = $1`, [bookingId]);
    await enqueueBookingNotices(q, t.tenantA, {
      bookingId,
      patientId,
      kind: 'cancelled',
      version: 2,
      startsAt,
      reminderOffsetsMin: [1440, 60],
      now: new Date(),
    });
  });
  await worker().drain();
  assert.equal(smtp.messages.length, 2);
  const [confirmed, cancelled] = smtp.messages.map((m) => parseMail(m.raw));
  assert.equal(cancelled?.subject, 'Your appointment has been cancelled');
  assert.match(cancelled?.ics?.contentType ?? '', /method=CANCEL/);
  const before = parseIcs(confirmed?.ics?.content ?? '');
  const ics = parseIcs(cancelled?.ics?.content ?? '');
  assert.deepEqual(ics.get('METHOD'), ['CANCEL']);
  assert.deepEqual(ics.get('STATUS'), ['CANCELLED']);
  assert.deepEqual(ics.get('UID'), before.get('UID'), 'the same event');
  assert.deepEqual(ics.get('UID'), [`${appointmentId}@openvisit`]);
  assert.deepEqual(ics.get('SEQUENCE'), ['2']);
  assert.deepEqual(ics.get('DTSTART'), [icsUtc(startsAt)]);
  assert.notEqual(cancelled?.messageId, confirmed?.messageId);

  // When the reminders would have been due, nothing goes out.
  assert.equal(await worker({ clock: () => inMinutes(-30, startsAt.getTime()) }).drain(), 0);
  assert.equal(smtp.messages.length, 2);
});

test('Spanish for a Spanish-speaking patient, with the time in their own zone', async () => {
  const patientId = await createPatient(
    t,
    t.tenantB,
    sensitive({ language: 'es', timeZone: 'Europe/Madrid' }),
  );
  const startsAt = new Date('2031-03-18T14:00:00Z');
  await bookAndConfirm(t.tenantB, patientId, startsAt);
  await worker().drain();
  const mail = parseMail(smtp.messages[0]?.raw ?? '');
  assert.equal(mail.subject, 'Su cita está confirmada');
  assert.match(mail.text, /^Hola Ana,/);
  assert.match(mail.text, /martes, 18 de marzo de 2031, 15:00/);
  assert.match(mail.html, /<html lang="es">/);
  assert.deepEqual(parseIcs(mail.ics?.content ?? '').get('SUMMARY'), ['Cita de OpenVisit']);
});

test('reminders: sent for a live booking, skipped for one cancelled or moved since', async () => {
  const startsAt = inMinutes(3 * 1440);
  const live = await bookAndConfirm(t.tenantA, await createPatient(t, t.tenantA, sensitive()), startsAt);
  const cancelled = await bookAndConfirm(t.tenantA, await createPatient(t, t.tenantA, sensitive()), startsAt);
  const moved = await bookAndConfirm(t.tenantA, await createPatient(t, t.tenantA, sensitive()), startsAt);
  await worker().drain();
  assert.equal(smtp.messages.length, 3, 'three confirmations');
  // Changed without a notice of their own (a reschedule cancels the old booking and books anew).
  await t.db.query(t.tenantA, `UPDATE sched_booking SET status = 'cancelled', version = 2 WHERE id = $1`, [
    cancelled.bookingId,
  ]);
  await t.db.query(
    t.tenantA,
    `UPDATE sched_booking SET starts_at = starts_at + interval '1 day', ends_at = ends_at + interval '1 day',
       blocked = tstzrange(lower(blocked) + interval '1 day', upper(blocked) + interval '1 day'), version = 2
     WHERE id = $1`,
    [moved.bookingId],
  );
  const w = worker({ clock: () => inMinutes(-59, startsAt.getTime()) });
  await w.drain();
  assert.equal(smtp.messages.length, 5, 'two reminders of the live booking');
  for (const m of smtp.messages.slice(3)) assert.equal(parseMail(m.raw).subject, 'Appointment reminder');
  assert.deepEqual(
    (await notices(t.db, t.tenantA, live.bookingId)).map((r) => `${r.kind}/${r.status}`).sort(),
    ['confirmation/sent', 'reminder/sent', 'reminder/sent'],
  );
  const skipped = [
    ...(await notices(t.db, t.tenantA, cancelled.bookingId)),
    ...(await notices(t.db, t.tenantA, moved.bookingId)),
  ].filter((r) => r.kind === 'reminder');
  assert.deepEqual(
    skipped.map((r) => `${r.status}/${r.last_error}`),
    ['skipped/superseded', 'skipped/superseded', 'skipped/superseded', 'skipped/superseded'],
  );
  assert.deepEqual(
    w.outcomes().sort((a, b) => a.outcome.localeCompare(b.outcome)),
    [
      { kind: 'reminder', channel: 'email', outcome: 'sent', count: 2 },
      { kind: 'reminder', channel: 'email', outcome: 'skipped', count: 4 },
    ],
  );
});

test('an SMTP failure is retried after the backoff, then sent and counted once', async () => {
  const patientId = await createPatient(t, t.tenantA, sensitive());
  const { bookingId } = await bookAndConfirm(t.tenantA, patientId, inMinutes(3 * 1440), { offsets: [] });
  let now = new Date();
  const w = worker({ clock: () => now, retryDelayMs: (attempt) => attempt * 60_000 });
  smtp.refuseNext(451);
  assert.equal(await w.drain(), 1);
  let [row] = await notices(t.db, t.tenantA, bookingId);
  assert.equal(smtp.messages.length, 0);
  assert.equal(row?.status, 'pending');
  assert.equal(row?.last_error, 'smtp-451');
  assert.equal(row?.attempts, 1);
  assert.equal(await w.runOnce(), 0, 'not again before the backoff');
  now = new Date(now.getTime() + 61_000);
  assert.equal(await w.drain(), 1);
  [row] = await notices(t.db, t.tenantA, bookingId);
  assert.equal(row?.status, 'sent');
  assert.equal(row?.attempts, 2);
  assert.equal(row?.last_error, null);
  assert.equal(smtp.messages.length, 1);
  assert.deepEqual(
    w.outcomes().sort((a, b) => a.outcome.localeCompare(b.outcome)),
    [
      { kind: 'confirmation', channel: 'email', outcome: 'retry', count: 1 },
      { kind: 'confirmation', channel: 'email', outcome: 'sent', count: 1 },
    ],
  );
});

test('a permanent refusal (550) fails at once; a transient one fails after the last attempt', async () => {
  const a = await bookAndConfirm(
    t.tenantA,
    await createPatient(t, t.tenantA, sensitive()),
    inMinutes(1440 * 3),
    {
      offsets: [],
    },
  );
  smtp.refuseNext(550);
  await worker().drain();
  let [row] = await notices(t.db, t.tenantA, a.bookingId);
  assert.deepEqual([row?.status, row?.last_error, row?.attempts], ['failed', 'smtp-550', 1]);

  const b = await bookAndConfirm(
    t.tenantA,
    await createPatient(t, t.tenantA, sensitive()),
    inMinutes(1440 * 3),
    {
      offsets: [],
    },
  );
  smtp.refuseNext(421, 3);
  const w = worker({ maxAttempts: 3, retryDelayMs: () => 0 });
  for (let i = 0; i < 3; i++) await w.drain();
  [row] = await notices(t.db, t.tenantA, b.bookingId);
  assert.deepEqual([row?.status, row?.last_error, row?.attempts], ['failed', 'smtp-421', 3]);
  assert.equal(smtp.messages.length, 0);
});

test('a channel that is not configured: its notices are skipped, and that is logged once', async () => {
  const patientId = await createPatient(
    t,
    t.tenantA,
    sensitive({ mobile: '+15550123', channels: ['email', 'sms'] }),
  );
  const { bookingId } = await bookAndConfirm(t.tenantA, patientId, inMinutes(3 * 1440), { offsets: [] });
  const second = await bookAndConfirm(t.tenantA, patientId, inMinutes(4 * 1440), { offsets: [] });
  const from = logLines.length;
  const w = worker();
  await w.drain();
  const rows = [
    ...(await notices(t.db, t.tenantA, bookingId)),
    ...(await notices(t.db, t.tenantA, second.bookingId)),
  ];
  assert.deepEqual(rows.map((r) => `${r.channel}:${r.status}:${r.last_error ?? ''}`).sort(), [
    'email:sent:',
    'email:sent:',
    'sms:skipped:channel-not-configured',
    'sms:skipped:channel-not-configured',
  ]);
  const warned = logLines
    .slice(from)
    .map((l) => JSON.parse(l) as { msg: string; channel?: string; level: number })
    .filter((l) => l.msg === 'notification channel not configured; its notices are skipped');
  assert.deepEqual(
    warned.map((l) => [l.channel, l.level]),
    [['sms', 40]],
    'once, at warn level, naming only the channel',
  );
});

test('a patient without an address for the channel, or gone, is skipped', async () => {
  const spec = sensitive();
  const patientId = await createPatient(t, t.tenantA, spec);
  const { bookingId } = await bookAndConfirm(t.tenantA, patientId, inMinutes(3 * 1440), { offsets: [] });
  // The address was removed after the booking (the Patient is edited in the FHIR store).
  await t.db.query(
    t.tenantA,
    `UPDATE resource SET content = jsonb_set(content::jsonb, '{telecom}', '[]'::jsonb)::text
      WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2`,
    [t.tenantA, patientId],
  );
  const gonePatient = await createPatient(t, t.tenantA, sensitive());
  const gone = await bookAndConfirm(t.tenantA, gonePatient, inMinutes(3 * 1440), { offsets: [] });
  await t.db.query(
    t.tenantA,
    `UPDATE resource SET deleted = true, content = NULL WHERE tenant_id = $1 AND res_type = 'Patient' AND id = $2`,
    [t.tenantA, gonePatient],
  );
  await worker().drain();
  const [row] = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual([row?.status, row?.last_error], ['skipped', 'no-address']);
  const [goneRow] = await notices(t.db, t.tenantA, gone.bookingId);
  assert.deepEqual([goneRow?.status, goneRow?.last_error], ['skipped', 'patient-gone']);
  assert.equal(smtp.messages.length, 0);
});

test('nothing the worker logged names a patient or an address', () => {
  const all = logLines.join('\n');
  assert.ok(logLines.length > 0, 'the tests above did log');
  for (const phi of ['@example.org', 'Ana', 'Quintero', '1984-07-09', '+1555'])
    assert.ok(!all.includes(phi), phi);
});
