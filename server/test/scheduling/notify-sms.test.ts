import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { enqueueBookingNotices, enqueueOfferNotice } from '../../src/modules/scheduling/notify/enqueue.js';
import { SendError } from '../../src/modules/scheduling/notify/errors.js';
import { sendToken } from '../../src/modules/scheduling/notify/keys.js';
import { TwilioSmsProvider } from '../../src/modules/scheduling/notify/sms/twilio.js';
import { SMS_MAX } from '../../src/modules/scheduling/notify/templates.js';
import {
  NotificationWorker,
  type NotificationWorkerOptions,
} from '../../src/modules/scheduling/notify/worker.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  createPatient,
  fakeTwilio,
  inMinutes,
  insertBooking,
  notices,
  SmsDouble,
  type FakeApi,
} from './notify-support.js';

const BASE = 'https://visit.example.org';

let t: TestDatabase;
let api: FakeApi;

before(async () => {
  t = await createTestDatabase();
  api = await fakeTwilio();
});

after(async () => {
  await api?.close();
  await t?.close();
});

beforeEach(async () => {
  await t.db.relayTransaction((q) =>
    q.query(`UPDATE sched_notice SET status = 'skipped' WHERE status IN ('pending', 'sending')`),
  );
  api.requests.length = 0;
  api.next.length = 0;
});

function twilio(over: { from?: string; timeoutMs?: number; apiBase?: string } = {}): TwilioSmsProvider {
  return new TwilioSmsProvider({
    apiBase: over.apiBase ?? api.url,
    accountSid: 'AC0123456789',
    authToken: 'token-xyz',
    from: over.from ?? '+15550009999',
    ...(over.timeoutMs ? { timeoutMs: over.timeoutMs } : {}),
  });
}

test('the Twilio-compatible client: path, basic auth, form body and idempotency token', async () => {
  const sent = await twilio().send({ to: '+15550100200', body: 'Hello there', idempotencyKey: 'tok-1' });
  assert.match(sent.messageId, /^SM[0-9a-f]{32}$/);
  const [req] = api.requests;
  assert.equal(req?.method, 'POST');
  assert.equal(req?.path, '/2010-04-01/Accounts/AC0123456789/Messages.json');
  assert.equal(
    req?.headers.authorization,
    `Basic ${Buffer.from('AC0123456789:token-xyz').toString('base64')}`,
  );
  assert.equal(req?.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(req?.headers['i-twilio-idempotency-token'], 'tok-1');
  assert.deepEqual(Object.fromEntries(req?.form ?? []), {
    To: '+15550100200',
    Body: 'Hello there',
    From: '+15550009999',
  });
  const again = await twilio().send({ to: '+15550100200', body: 'Hello there', idempotencyKey: 'tok-1' });
  assert.equal(again.messageId, sent.messageId, 'the same token is the same message to the provider');

  const mg = `MG${'a'.repeat(32)}`;
  await twilio({ from: mg }).send({ to: '+15550100200', body: 'x', idempotencyKey: 'tok-2' });
  assert.equal(api.requests[2]?.form.get('MessagingServiceSid'), mg);
  assert.equal(api.requests[2]?.form.has('From'), false);
});

test('provider errors become codes, and never carry the number', async () => {
  const to = '+15550100333';
  const failWith = async (status: number | 'hang', client = twilio()) => {
    api.next.push(status);
    const err = await client.send({ to, body: 'x', idempotencyKey: crypto.randomUUID() }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SendError);
    assert.ok(!err.message.includes(to) && !err.message.includes('0100333'), err.message);
    assert.ok(!String(err.stack).includes(to));
    return err;
  };
  assert.deepEqual([(await failWith(503)).code, (await failWith(503)).permanent], ['sms-http-503', false]);
  const bad = await failWith(400);
  assert.deepEqual([bad.code, bad.permanent], ['sms-http-400', true]);
  const slow = await failWith('hang', twilio({ timeoutMs: 200 }));
  assert.deepEqual([slow.code, slow.permanent], ['sms-timeout', false]);
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const down = await twilio({ apiBase: `http://127.0.0.1:${port}` })
    .send({ to, body: 'x', idempotencyKey: 'k' })
    .then(
      () => assert.fail('should fail'),
      (e: unknown) => e as SendError,
    );
  assert.deepEqual([down.code, down.permanent], ['sms-network', false]);
});

function worker(sms: NotificationWorkerOptions['sms'], over: Partial<NotificationWorkerOptions> = {}) {
  return new NotificationWorker({
    db: t.db,
    baseUrl: BASE,
    defaultTimeZone: 'America/New_York',
    sms,
    ...over,
  });
}

async function smsPatient(
  tenantId: number,
  over: { language?: string; timeZone?: string; given?: string } = {},
) {
  return createPatient(t, tenantId, {
    given: over.given ?? 'Ana',
    family: 'Quintero-Villalobos',
    birthDate: '1984-07-09',
    mobile: `+1555${crypto.randomInt(1_000_000, 9_999_999)}`,
    channels: ['sms'],
    ...over,
  });
}

async function confirm(
  tenantId: number,
  patientId: string,
  startsAt: Date,
  appointmentId = `appt-${crypto.randomUUID()}`,
) {
  const bookingId = await insertBooking(t.db, tenantId, {
    patientId,
    startsAt,
    appointmentId,
    visitTypeId: 'bh-therapy-50',
  });
  await t.db.transaction(tenantId, (q) =>
    enqueueBookingNotices(q, tenantId, {
      bookingId,
      patientId,
      kind: 'confirmation',
      version: 1,
      startsAt,
      reminderOffsetsMin: [],
      now: new Date(),
    }),
  );
  return { bookingId, appointmentId };
}

test('an SMS: one short text with the first name, local time and portal link, nothing more', async () => {
  const double = new SmsDouble();
  const patientId = await smsPatient(t.tenantA);
  const { bookingId, appointmentId } = await confirm(t.tenantA, patientId, new Date('2031-03-18T14:00:00Z'));
  await worker(double).drain();
  assert.equal(double.sent.length, 1);
  const [sms] = double.sent;
  assert.equal(
    sms?.body,
    `OpenVisit: Hi Ana, your appointment is confirmed for Tuesday, March 18, 2031 at 10:00 AM EDT. ${BASE}/app/appointments/${appointmentId}`,
  );
  assert.ok((sms?.body.length ?? 0) <= SMS_MAX);
  assert.equal(sms?.idempotencyKey, sendToken(t.tenantA, `${bookingId}:confirmation:v1:sms`));
  for (const phi of ['Quintero', '1984', 'therapy', 'bh-', 'Middle'])
    assert.ok(!sms?.body.includes(phi), phi);
  const [row] = await notices(t.db, t.tenantA, bookingId);
  assert.equal(row?.status, 'sent');
  assert.match(row?.provider_message_id ?? '', /^SM/);
});

test('a Spanish SMS in the patient zone, through the Twilio-compatible client', async () => {
  const patientId = await smsPatient(t.tenantB, { language: 'es', timeZone: 'America/Mexico_City' });
  const { bookingId } = await confirm(t.tenantB, patientId, new Date('2031-03-18T14:00:00Z'));
  await worker(twilio()).drain();
  assert.equal(api.requests.length, 1);
  const body = api.requests[0]?.form.get('Body') ?? '';
  assert.match(
    body,
    /^OpenVisit: Hola Ana, su cita está confirmada para el martes, 18 de marzo de 2031, 8:00 /,
  );
  assert.equal(
    api.requests[0]?.headers['i-twilio-idempotency-token'],
    sendToken(t.tenantB, `${bookingId}:confirmation:v1:sms`),
  );
});

test('a waitlist offer: the held time and the offer link; skipped once the offer is taken', async () => {
  const double = new SmsDouble();
  const patientId = await smsPatient(t.tenantA);
  const startsAt = new Date('2031-03-18T14:00:00Z');
  const expiresAt = inMinutes(120);
  const offerFor = async () => {
    const bookingId = await insertBooking(t.db, t.tenantA, { patientId, startsAt, status: 'held' });
    const waitlistId = crypto.randomUUID();
    const offerId = crypto.randomUUID();
    await t.db.transaction(t.tenantA, async (q) => {
      await q.query(
        `INSERT INTO sched_waitlist (tenant_id, id, patient_id, visit_type_id, earliest, latest, status)
         VALUES ($1, $2, $3, 'bh-therapy-50', now(), now() + interval '30 days', 'offered')`,
        [t.tenantA, waitlistId, patientId],
      );
      await q.query(
        `INSERT INTO sched_offer (tenant_id, id, waitlist_id, booking_id, expires_at, status)
         VALUES ($1, $2, $3, $4, $5, 'open')`,
        [t.tenantA, offerId, waitlistId, bookingId, expiresAt],
      );
      await enqueueOfferNotice(q, t.tenantA, { offerId, bookingId, patientId, expiresAt, now: new Date() });
    });
    return offerId;
  };
  const offerId = await offerFor();
  await worker(double).drain();
  assert.equal(double.sent.length, 1);
  assert.match(
    double.sent[0]?.body ?? '',
    /^OpenVisit: Hi Ana, an appointment time has opened up on Tuesday, March 18, 2031 at 10:00 AM EDT\. It is held for you until /,
  );
  assert.ok(double.sent[0]?.body.endsWith(`${BASE}/app/appointments/offers/${offerId}`));

  const taken = await offerFor();
  await t.db.query(t.tenantA, `UPDATE sched_offer SET status = 'accepted' WHERE id = $1`, [taken]);
  await worker(double).drain();
  assert.equal(double.sent.length, 1, 'no text for an offer no longer open');
  const rows = await t.db.query<{ status: string; last_error: string }>(
    t.tenantA,
    'SELECT status, last_error FROM sched_notice WHERE offer_id = $1',
    [taken],
  );
  assert.deepEqual(rows.rows, [{ status: 'skipped', last_error: 'offer-closed' }]);
});

test('an SMS network failure is retried with the same token and delivered once', async () => {
  const patientId = await smsPatient(t.tenantA);
  const { bookingId } = await confirm(t.tenantA, patientId, inMinutes(3 * 1440));
  api.next.push(503);
  let now = new Date();
  const w = worker(twilio(), { clock: () => now });
  await w.drain();
  let [row] = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual([row?.status, row?.last_error], ['pending', 'sms-http-503']);
  now = new Date(now.getTime() + 3_600_000);
  await w.drain();
  [row] = await notices(t.db, t.tenantA, bookingId);
  assert.equal(row?.status, 'sent');
  assert.equal(api.requests.length, 2);
  assert.equal(
    api.requests[0]?.headers['i-twilio-idempotency-token'],
    api.requests[1]?.headers['i-twilio-idempotency-token'],
  );
  assert.deepEqual(
    w
      .outcomes()
      .map((o) => `${o.outcome}:${o.count}`)
      .sort(),
    ['retry:1', 'sent:1'],
  );
});
