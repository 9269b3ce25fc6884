import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import type { EmailSender } from '../../src/modules/scheduling/notify/email/sender.js';
import { SmtpEmailSender } from '../../src/modules/scheduling/notify/email/smtp.js';
import { enqueueBookingNotices } from '../../src/modules/scheduling/notify/enqueue.js';
import { sendToken } from '../../src/modules/scheduling/notify/keys.js';
import type { SmsProvider } from '../../src/modules/scheduling/notify/sms/provider.js';
import { TwilioSmsProvider } from '../../src/modules/scheduling/notify/sms/twilio.js';
import {
  NotificationWorker,
  type NotificationWorkerOptions,
} from '../../src/modules/scheduling/notify/worker.js';
import { Database } from '../../src/platform/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  createPatient,
  fakeTwilio,
  inMinutes,
  insertBooking,
  notices,
  parseMail,
  SmsDouble,
  startSmtp,
  type FakeApi,
  type TestSmtp,
} from './notify-support.js';

const FROM = 'OpenVisit <noreply@clinic.example>';

let t: TestDatabase;
/** A second pool on the same database: what a second server process would have. */
let db2: Database;
let smtp: TestSmtp;
let api: FakeApi;

before(async () => {
  t = await createTestDatabase();
  db2 = new Database(t.url, { max: 4 });
  smtp = await startSmtp();
  api = await fakeTwilio();
});

after(async () => {
  await api?.close();
  await smtp?.close();
  await db2?.close();
  await t?.close();
});

beforeEach(async () => {
  await t.db.relayTransaction((q) =>
    q.query(`UPDATE sched_notice SET status = 'skipped' WHERE status IN ('pending', 'sending')`),
  );
  smtp.messages.length = 0;
  api.requests.length = 0;
  api.delivered.clear();
});

function worker(db: Database, over: Partial<NotificationWorkerOptions> = {}): NotificationWorker {
  return new NotificationWorker({
    db,
    baseUrl: 'https://visit.example.org',
    defaultTimeZone: 'America/New_York',
    email: new SmtpEmailSender({ url: smtp.url, from: FROM }),
    ...over,
  });
}

async function bookWithNotices(tenantId: number, startsAt: Date, offsets: number[]): Promise<string> {
  const patientId = await createPatient(t, tenantId, {
    given: 'Ana',
    family: 'Quintero',
    email: `ana.${crypto.randomUUID().slice(0, 8)}@example.org`,
    mobile: `+1555${crypto.randomInt(1_000_000, 9_999_999)}`,
    channels: ['email', 'sms'],
  });
  const bookingId = await insertBooking(t.db, tenantId, { patientId, startsAt });
  await t.db.transaction(tenantId, (q) =>
    enqueueBookingNotices(q, tenantId, {
      bookingId,
      patientId,
      kind: 'confirmation',
      version: 1,
      startsAt,
      reminderOffsetsMin: offsets,
      now: new Date(),
    }),
  );
  return bookingId;
}

/** Runs batches until one finds nothing; returns how many notices this worker claimed. */
async function untilEmpty(w: NotificationWorker): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await w.runOnce();
    if (n === 0) return total;
    total += n;
  }
}

test('two workers on two pools send every notice exactly once', async () => {
  const startsAt = inMinutes(3 * 1440);
  const bookings: string[] = [];
  for (let i = 0; i < 8; i++)
    bookings.push(await bookWithNotices(i % 2 ? t.tenantB : t.tenantA, startsAt, [1440, 60]));
  const total = bookings.length * 2 * 3; // two channels: confirmation and two reminders each
  const sms = new SmsDouble();
  // Everything due: the workers' clock is half an hour before the appointments.
  const clock = () => inMinutes(-30, startsAt.getTime());
  const w1 = worker(t.db, { sms, clock, batchSize: 3 });
  const w2 = worker(db2, { sms, clock, batchSize: 3 });
  const [n1, n2] = await Promise.all([untilEmpty(w1), untilEmpty(w2)]);
  assert.equal(n1 + n2, total, 'every notice claimed once');
  assert.ok(n1 > 0 && n2 > 0, `both workers took a share (${n1} / ${n2})`);

  const ids = smtp.messages.map((m) => parseMail(m.raw).messageId);
  assert.equal(ids.length, total / 2, 'one e-mail per e-mail notice');
  assert.equal(new Set(ids).size, ids.length, 'no Message-ID twice');
  const tokens = sms.sent.map((s) => s.idempotencyKey);
  assert.equal(tokens.length, total / 2, 'one text per SMS notice');
  assert.equal(new Set(tokens).size, tokens.length);

  const rows = [...(await notices(t.db, t.tenantA)), ...(await notices(t.db, t.tenantB))].filter((r) =>
    bookings.includes(r.booking_id ?? ''),
  );
  assert.equal(rows.length, total);
  assert.ok(rows.every((r) => r.status === 'sent' && r.attempts === 1));
  const sent = [...w1.outcomes(), ...w2.outcomes()].reduce(
    (sum, o) => sum + (o.outcome === 'sent' ? o.count : 0),
    0,
  );
  assert.equal(sent, total, 'counted once');
});

/** A sender that delivers, then stalls as if its process died before recording the outcome. */
function stallingAfterSend<T extends object>(inner: T, method: 'send'): { sender: T; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const sender = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== method) return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: unknown[]) => {
        const send = Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<unknown>;
        const result = await send.apply(target, args);
        await gate;
        return result;
      };
    },
  });
  return { sender, release };
}

test('a crash mid-send: the notice is sent again once, with the same Message-ID and token', async () => {
  const startsAt = inMinutes(3 * 1440);
  const bookingId = await bookWithNotices(t.tenantA, startsAt, []);
  const twilio = () =>
    new TwilioSmsProvider({ apiBase: api.url, accountSid: 'AC1', authToken: 'x', from: '+15550009999' });
  const email = stallingAfterSend<EmailSender>(new SmtpEmailSender({ url: smtp.url, from: FROM }), 'send');
  const sms = stallingAfterSend<SmsProvider>(twilio(), 'send');
  // The first worker sends the e-mail, then "dies" (never records it, never gets to the SMS).
  const dying = worker(t.db, { email: email.sender, sms: sms.sender });
  const firstRun = dying.runOnce();
  await smtp.waitFor(1);

  // Another process, once the lease has run out.
  const later = () => inMinutes(10);
  const survivor = worker(db2, { sms: twilio(), clock: later });
  assert.equal(await untilEmpty(survivor), 2, 'the e-mail left in sending, and the SMS never started');
  assert.equal(smtp.messages.length, 2, 'SMTP cannot dedupe: the e-mail went out a second time');
  const [a, b] = smtp.messages.map((m) => parseMail(m.raw).messageId);
  assert.equal(a, b, 'with the same Message-ID, so the duplicate is recognisable');
  assert.equal(a, `<${sendToken(t.tenantA, `${bookingId}:confirmation:v1:email`)}@clinic.example>`);

  let rows = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual(rows.map((r) => `${r.channel}:${r.status}:${r.attempts}`).sort(), [
    'email:sent:2',
    'sms:sent:2',
  ]);
  assert.deepEqual(
    survivor
      .outcomes()
      .map((o) => `${o.channel}:${o.outcome}:${o.count}`)
      .sort(),
    ['email:sent:1', 'sms:sent:1'],
  );

  // The dead process wakes up after all: its records are fenced off, nothing is sent again.
  email.release();
  sms.release();
  await firstRun;
  rows = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual(rows.map((r) => `${r.channel}:${r.status}:${r.attempts}`).sort(), [
    'email:sent:2',
    'sms:sent:2',
  ]);
  assert.deepEqual(dying.outcomes(), [], 'the fenced worker counts nothing');
  assert.equal(smtp.messages.length, 2);
  assert.equal(api.requests.length, 1, 'nor does it send the SMS it had claimed: its lease was lost');
  assert.equal(await untilEmpty(survivor), 0);
});

test('an SMS resent after a crash reaches the provider with the same token and is delivered once', async () => {
  const bookingId = await bookWithNotices(t.tenantB, inMinutes(3 * 1440), []);
  const twilio = () =>
    new TwilioSmsProvider({ apiBase: api.url, accountSid: 'AC1', authToken: 'x', from: '+15550009999' });
  const sms = stallingAfterSend<SmsProvider>(twilio(), 'send');
  const dying = worker(t.db, { email: undefined, sms: sms.sender });
  // Only the SMS notice: the e-mail one is out of the way.
  await t.db.query(
    t.tenantB,
    `UPDATE sched_notice SET status = 'skipped' WHERE booking_id = $1 AND channel = 'email'`,
    [bookingId],
  );
  const firstRun = dying.runOnce();
  while (api.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const survivor = worker(db2, { email: undefined, sms: twilio(), clock: () => inMinutes(10) });
  assert.equal(await untilEmpty(survivor), 1);
  sms.release();
  await firstRun;
  assert.equal(api.requests.length, 2, 'sent twice to the provider');
  const tokens = api.requests.map((r) => r.headers['i-twilio-idempotency-token']);
  assert.equal(tokens[0], tokens[1]);
  assert.equal(tokens[0], sendToken(t.tenantB, `${bookingId}:confirmation:v1:sms`));
  assert.equal(api.delivered.size, 1, 'delivered once');
});

test('stop() waits for the batch in flight, whose outcome is recorded', async () => {
  const bookingId = await bookWithNotices(t.tenantA, inMinutes(3 * 1440), []);
  await t.db.query(
    t.tenantA,
    `UPDATE sched_notice SET status = 'skipped' WHERE booking_id = $1 AND channel = 'sms'`,
    [bookingId],
  );
  const email = stallingAfterSend<EmailSender>(new SmtpEmailSender({ url: smtp.url, from: FROM }), 'send');
  const w = worker(t.db, { email: email.sender });
  w.start(60_000);
  await smtp.waitFor(1);
  let stopped = false;
  const stopping = w.stop().then(() => (stopped = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stopped, false, 'still sending');
  email.release();
  await stopping;
  const rows = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual(
    rows.filter((r) => r.channel === 'email').map((r) => r.status),
    ['sent'],
  );
});

test('a notice claimed too often without an outcome is failed, not sent again', async () => {
  const bookingId = await bookWithNotices(t.tenantA, inMinutes(3 * 1440), []);
  await t.db.query(
    t.tenantA,
    `UPDATE sched_notice SET status = 'sending', attempts = 5, lease_until = now() - interval '1 minute'
      WHERE booking_id = $1`,
    [bookingId],
  );
  const sms = new SmsDouble();
  await untilEmpty(worker(t.db, { sms, maxAttempts: 5 }));
  const rows = await notices(t.db, t.tenantA, bookingId);
  assert.deepEqual(
    rows.map((r) => `${r.status}:${r.last_error}:${r.attempts}`),
    ['failed:too-many-attempts:6', 'failed:too-many-attempts:6'],
  );
  assert.equal(smtp.messages.length + sms.sent.length, 0);
});

test('e-mail Message-IDs are a hash of the key: no booking id, time or tenant in a header', () => {
  const key = `${crypto.randomUUID()}:reminder:60:2031-03-18T14:00:00.000Z:email`;
  const token = sendToken(1, key);
  assert.match(token, /^[0-9a-f]{40}$/);
  assert.equal(sendToken(1, key), token, 'deterministic');
  assert.notEqual(sendToken(2, key), token, 'per tenant');
});
