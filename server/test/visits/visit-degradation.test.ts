import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InProcessEventBus } from '../../src/platform/events/in-process-bus.js';
import { OutboxRelay } from '../../src/platform/events/outbox-relay.js';
import { VisitSocketClient } from './support/socket-client.js';
import {
  goodDeviceCheck,
  intakeAnswers,
  tomorrowAt,
  visitWorld,
  type VisitWorld,
} from './support/visit-fixture.js';

/** Cumulative getStats() snapshots every 2 s of a call losing `lossPercent` of its packets. */
function snapshots(count: number, lossPercent: number, startMs: number) {
  const out = [];
  for (let i = 1; i <= count; i++) {
    const received = 50 * 2 * i;
    const lost = Math.round((received * lossPercent) / (100 - lossPercent));
    out.push({
      timestampMs: startMs + i * 2000,
      audio: {
        bytesReceived: received * 120,
        packetsReceived: received,
        packetsLost: lost,
        jitter: 0.03,
        roundTripTime: 0.25,
      },
      video: {
        bytesReceived: received * 1000,
        packetsReceived: received * 3,
        packetsLost: lost * 3,
        framesDecoded: 30 * i,
      },
    });
  }
  return out;
}

describe(
  'graceful degradation: on-demand queue, audio-only offers and switches, the phone bridge',
  { timeout: 240_000 },
  () => {
    let w: VisitWorld;
    let visit: string;
    let admin: string;
    const sockets: VisitSocketClient[] = [];

    before(async () => {
      w = await visitWorld({
        visits: {
          env: { PHONE_BRIDGE_NUMBER: '+15550100999', PHONE_BRIDGE_SECRET: 'gateway-secret-for-tests' },
        },
      });
      await w.s.createAccount('admin@test', ['tenant-admin']);
      admin = (await w.s.signIn('admin@test', 'openid fhirUser user/*.cruds')).access_token;
    });
    after(async () => {
      for (const c of sockets) c.kill();
      await w?.close();
    });

    it('a patient joins the service line’s on-demand queue; any of its clinicians admits and becomes the primary one', async () => {
      const opened = await w.api('cal@test', 'POST', '/on-demand', { serviceLine: 'primary-care' });
      assert.equal(opened.status, 200, opened.text);
      assert.equal(opened.body.appointmentId, null);
      visit = opened.body.id;
      const again = await w.api('cal@test', 'POST', '/on-demand', { serviceLine: 'primary-care' });
      assert.equal(again.body.id, visit, 'one open on-demand visit per patient');
      assert.equal(
        (await w.api('cal@test', 'POST', '/on-demand', { serviceLine: 'dermatology' })).status,
        422,
      );
      const checkIn = await w.api('cal@test', 'POST', `/${visit}/check-in`, {
        birthDate: w.birthDates.cal,
        answers: intakeAnswers,
        consent: true,
        deviceCheck: goodDeviceCheck(w.clock.ms),
      });
      assert.equal(checkIn.status, 200, checkIn.text);
      const queueB = await w.api('drb@test', 'GET', '/queue');
      assert.deepEqual(
        queueB.body.map((e: { visitId: string; queue: string }) => [e.visitId, e.queue]),
        [[visit, 'on-demand']],
      );
      const admitted = await w.api('drb@test', 'POST', `/${visit}/admit`, {});
      assert.equal(admitted.status, 200, admitted.text);
      assert.equal((await w.api('dra@test', 'POST', `/${visit}/admit`, {})).status, 404, 'now Dr B’s visit');
      const enc = await w.s.as(w.tokens['drb@test'] ?? '', 'GET', `/Encounter/${visit}`);
      assert.equal(enc.status, 200, enc.text);
      assert.equal(enc.body.participant[0].individual.reference, `Practitioner/${w.ids.drB}`);
      assert.equal(enc.body.participant[0].type[0].coding[0].code, 'PPRF');
      assert.equal(enc.body.appointment, undefined);
    });

    it('offers audio only after sustained poor quality (the default policy), and counts the MOS', async () => {
      const join = await w.api('cal@test', 'POST', `/${visit}/join`, {});
      const patient = await VisitSocketClient.join(w.s.base, join.body.ticket);
      sockets.push(patient.client);
      for (const stats of snapshots(3, 0, 1_000_000)) patient.client.send({ t: 'quality', stats });
      for (const stats of snapshots(8, 15, 1_006_000)) patient.client.send({ t: 'quality', stats });
      const advice = await patient.client.next((m) => m.t === 'advice', 'the advice');
      assert.deepEqual(advice, { t: 'advice', action: 'offer-audio-only' });
      assert.equal(patient.client.all('modality').length, 0, 'an offer, not a switch');
      const metrics = await (await fetch(`${w.s.base}/metrics`)).text();
      assert.match(metrics, /visit_mos_count [1-9]/);
    });

    it('switches by itself when the tenant policy says automatic, time-stamped on the Encounter', async () => {
      const bad = await w.s.as(admin, 'PUT', `${w.s.base}/api/visits/policy`, {
        mode: 'automatic',
        sustainSeconds: 0.5,
      });
      assert.equal(bad.status, 422, 'an impossible policy is refused');
      assert.equal((await w.api('cal@test', 'PUT', '/policy', { mode: 'automatic' })).status, 403);
      const set = await w.s.as(admin, 'PUT', `${w.s.base}/api/visits/policy`, { mode: 'automatic' });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.body.mode, 'automatic');
      const join = await w.api('cal@test', 'POST', `/${visit}/join`, {});
      const patient = await VisitSocketClient.join(w.s.base, join.body.ticket);
      sockets.push(patient.client);
      w.clock.ms = tomorrowAt(9, 20);
      for (const stats of snapshots(10, 15, 2_000_000)) patient.client.send({ t: 'quality', stats });
      await patient.client.next((m) => m.t === 'advice' && m.action === 'switch-audio-only', 'the switch');
      await patient.client.next(
        (m) => m.t === 'modality' && m.modality === 'audio' && m.trigger === 'automatic',
        'the modality',
      );
      const enc = await w.s.as(w.tokens['drb@test'] ?? '', 'GET', `/Encounter/${visit}`);
      const history = enc.body.extension.filter(
        (e: { url: string }) => e.url === 'urn:openvisit:modality-history',
      );
      assert.equal(history.at(-1).extension[0].valueCode, 'audio');
      assert.equal(Date.parse(history.at(-1).extension[1].valuePeriod.start), tomorrowAt(9, 20));
      const metrics = await (await fetch(`${w.s.base}/metrics`)).text();
      assert.match(metrics, /visit_modality_switches_total\{to="audio",trigger="automatic"\} 1/);
    });

    it('a visit follows its appointment: cancelled in scheduling, the waiting visit is cancelled too', async () => {
      const bus = new InProcessEventBus();
      const sync = w.s.app.visits?.schedulingEvents;
      assert.ok(sync);
      bus.subscribe('scheduling', sync);
      const relay = new OutboxRelay(w.s.tdb.db, bus, { pollMs: 50 });
      relay.start();
      try {
        const appt = await w.book(w.ids.ben, tomorrowAt(11, 0));
        const opened = await w.api('ben@test', 'POST', `/appointments/${appt}`, {});
        assert.equal(opened.body.status, 'planned');
        const cancel = await w.s.as(w.tokens['ben@test'] ?? '', 'POST', `/Appointment/${appt}/$cancel`, {
          resourceType: 'Parameters',
          parameter: [{ name: 'reason', valueString: 'Feeling better' }],
        });
        assert.equal(cancel.status, 200, cancel.text);
        let status = '';
        for (let i = 0; i < 100 && status !== 'cancelled'; i++) {
          await new Promise((r) => setTimeout(r, 50));
          status = (await w.api('ben@test', 'GET', `/${opened.body.id}`)).body.status;
        }
        assert.equal(status, 'cancelled');
      } finally {
        await relay.stop();
      }
    });

    it('gives a dial-in number and PIN; the gateway’s PIN lookup moves the visit to the phone', async () => {
      const bridge = await w.api('cal@test', 'POST', `/${visit}/phone-bridge`, {});
      assert.equal(bridge.status, 200, bridge.text);
      assert.equal(bridge.body.number, '+15550100999');
      assert.match(bridge.body.pin, /^[0-9]{9}$/);
      const resolve = (pin: string, secret = 'gateway-secret-for-tests') =>
        w.s.request(
          'POST',
          `${w.s.base}/api/visits/phone-bridge/resolve`,
          { pin },
          { authorization: `Bearer ${secret}` },
        );
      assert.equal((await resolve(bridge.body.pin, 'wrong')).status, 401);
      const wrongPin = bridge.body.pin === '000000000' ? '000000001' : '000000000';
      assert.equal((await resolve(wrongPin)).status, 404);
      const patient = sockets.at(-1);
      assert.ok(patient);
      w.clock.ms = tomorrowAt(9, 25);
      const ok = await resolve(bridge.body.pin);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.conference, visit);
      await patient.next((m) => m.t === 'modality' && m.modality === 'phone', 'the phone modality');
      const enc = await w.s.as(w.tokens['drb@test'] ?? '', 'GET', `/Encounter/${visit}`);
      const history = enc.body.extension.filter(
        (e: { url: string }) => e.url === 'urn:openvisit:modality-history',
      );
      assert.deepEqual(
        history.map((h: { extension: { valueCode?: string }[] }) => h.extension[0]?.valueCode),
        ['video', 'audio', 'phone'],
      );
      assert.ok(!w.s.logs.join('').includes(bridge.body.pin), 'the PIN is never logged');
    });
  },
);
