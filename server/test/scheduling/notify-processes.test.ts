import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bookVisit } from '../../src/modules/scheduling/booking/book.js';
import { sendToken } from '../../src/modules/scheduling/notify/keys.js';
import { noticeQueue } from '../../src/modules/scheduling/notify/queue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  startGatedSmtp,
  startServerProcess,
  type GatedSmtp,
  type ServerProcess,
} from './notify-processes-support.js';
import { createPatient, fakeTwilio, parseMail, type FakeApi } from './notify-support.js';
import { configure, primaryCare30, schedulingFixture, weekdayClinician } from './support.js';

const PROCESSES = ['proc-1', 'proc-2'];
const CLINICIANS = ['dr-a', 'dr-b'];
/** Per tenant and clinician; two tenants: 40 bookings, each with a confirmation and two reminders on two channels. */
const SLOTS = 10;
const DAY = 86_400_000;

type NoticeRow = {
  tenant_id: number;
  idem_key: string;
  kind: string;
  channel: string;
  status: string;
  attempts: number;
};

/** Every notice of the database, across tenants (as the owner, like the worker's relay role). */
async function allNotices(t: TestDatabase): Promise<NoticeRow[]> {
  return t.db.relayTransaction(async (q) => {
    const res = await q.query<NoticeRow>(
      'SELECT tenant_id, idem_key, kind, channel, status, attempts FROM sched_notice ORDER BY idem_key',
    );
    return res.rows;
  });
}

/** How many of each, for a readable failure. */
function tally(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('reminders with two server processes against one database', { timeout: 600_000 }, () => {
  let t: TestDatabase;
  let smtp: GatedSmtp;
  let twilio: FakeApi;
  let dataDir: string;
  const servers: ServerProcess[] = [];

  before(async () => {
    t = await createTestDatabase();
    smtp = await startGatedSmtp(PROCESSES.length);
    twilio = await fakeTwilio();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-notify-processes-'));
  });

  after(async () => {
    // Whatever happened above: no server process outlives the test.
    await Promise.all(servers.map((s) => s.stop()));
    await twilio?.close();
    await smtp?.close();
    await t?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('every due notice is delivered exactly once, and both processes send', async () => {
    // Two full servers, as a deployment runs them: same database, own ports, the worker on in each.
    const masterKeys = `k1:${crypto.randomBytes(32).toString('base64')}`;
    const started = await Promise.allSettled(
      PROCESSES.map((name) =>
        startServerProcess({
          DATABASE_URL: t.url,
          DATA_DIR: path.join(dataDir, name),
          OPENVISIT_MASTER_KEYS: masterKeys,
          OPENVISIT_DEMO: 'off',
          BASE_URL: 'https://visit.example.org',
          SMTP_URL: smtp.urlFor(name),
          MAIL_FROM: 'OpenVisit <noreply@clinic.example>',
          SMS_PROVIDER: 'twilio',
          SMS_API_BASE: twilio.url,
          // The account names the process in the API path; the idempotency token does not.
          SMS_ACCOUNT_SID: `AC${name}`,
          SMS_AUTH_TOKEN: 'test-token',
          SMS_FROM: '+15550009999',
          NOTIFY_POLL_MS: '100',
        }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;

    // Bookings through the booking code, each enqueueing its notices in its own transaction, while
    // both workers are already polling.
    const f = await schedulingFixture(t, Date.now());
    f.services.notices = noticeQueue({ reminderOffsetsMin: [1440, 60], now: f.clock.now });
    const clinician = (id: string) =>
      weekdayClinician(id, {
        timeZone: 'UTC',
        rules: [
          {
            rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU',
            start: '08:00',
            end: '18:00',
            validFrom: '2020-01-01',
          },
        ],
      });
    // Three days ahead, so that both reminders are still to come and are enqueued.
    const day = Math.floor(f.clock.ms / DAY) * DAY + 3 * DAY;
    let booked = 0;
    for (const tenantId of [t.tenantA, t.tenantB]) {
      await configure(f, tenantId, [primaryCare30], CLINICIANS.map(clinician));
      for (const practitionerId of CLINICIANS)
        for (let i = 0; i < SLOTS; i++) {
          const patientId = await createPatient(t, tenantId, {
            given: 'Ana',
            family: 'Quintero',
            email: `p${booked}@example.org`,
            mobile: `+1555010${String(booked).padStart(4, '0')}`,
            channels: ['email', 'sms'],
          });
          await bookVisit(f.services, tenantId, {
            visitTypeId: primaryCare30.id,
            practitionerId,
            start: day + 9 * 3_600_000 + i * 30 * 60_000,
            patientId,
            booker: 'front-desk',
            bookedBy: 'test',
          });
          booked++;
        }
    }
    // The reminders' time comes: on the database's clock, which both processes share.
    await t.db.relayTransaction((q) =>
      q.query(
        `UPDATE sched_notice SET next_attempt_at = now() WHERE kind = 'reminder' AND status = 'pending'`,
      ),
    );
    const expected = await allNotices(t);
    assert.equal(expected.length, booked * 2 * 3, 'a confirmation and two reminders, on two channels');

    // Until nothing is left to send; then both stop, each recording its batch in flight first.
    while ((await allNotices(t)).some((r) => r.status === 'pending' || r.status === 'sending'))
      await new Promise((resolve) => setTimeout(resolve, 100));
    const codes = await Promise.all(servers.map((s) => s.stop()));
    assert.deepEqual(codes, [0, 0], servers.map((s) => s.output()).join('\n'));

    const rows = await allNotices(t);
    assert.deepEqual(
      [...tally(rows.map((r) => `${r.status}:${r.attempts}`))],
      [['sent:1', expected.length]],
      'every notice sent, each claimed once',
    );

    // E-mail: each notice's Message-ID arrived exactly once, and no other.
    const email = rows.filter((r) => r.channel === 'email');
    const wantedIds = email.map((r) => `<${sendToken(r.tenant_id, r.idem_key)}@clinic.example>`).sort();
    const receivedIds = smtp.messages.map((m) => parseMail(m.raw).messageId).sort();
    const twice = [...tally(receivedIds)].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'no e-mail twice');
    assert.deepEqual(receivedIds, wantedIds, 'one e-mail per e-mail notice');
    assert.ok(
      email.some((r) => r.kind === 'reminder'),
      'reminders are among them',
    );

    // SMS: each notice's token reached the provider exactly once (no resend to be deduplicated).
    const sms = rows.filter((r) => r.channel === 'sms');
    const wantedTokens = sms.map((r) => sendToken(r.tenant_id, r.idem_key)).sort();
    const tokens = twilio.requests.map((r) => String(r.headers['i-twilio-idempotency-token'])).sort();
    assert.deepEqual(tokens, wantedTokens, 'one request per SMS notice');

    // Both processes did part of the work (the SMTP server holds the first e-mail until the other
    // process has sent one, so this does not depend on which one polled first).
    const byProcess = tally(smtp.messages.map((m) => m.user));
    const smsByAccount = tally(twilio.requests.map((r) => r.path.split('/')[3] ?? ''));
    assert.deepEqual(
      [...byProcess.keys()].sort(),
      PROCESSES,
      `e-mails by process: ${JSON.stringify([...byProcess])}; texts: ${JSON.stringify([...smsByAccount])}`,
    );
  });
});
