import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisitSocketClient } from './support/socket-client.js';
import {
  intakeAnswers,
  goodDeviceCheck,
  tomorrowAt,
  visitWorld,
  type VisitWorld,
} from './support/visit-fixture.js';

describe(
  'a video visit from check-in to the survey, over HTTP and the visit socket',
  { timeout: 240_000 },
  () => {
    let w: VisitWorld;
    let anaAppt: string;
    let benAppt: string;
    let anaVisit: string;
    let benVisit: string;
    const sockets: VisitSocketClient[] = [];
    const track = (c: VisitSocketClient) => (sockets.push(c), c);

    before(async () => {
      w = await visitWorld();
      anaAppt = await w.book(w.ids.ana, tomorrowAt(10, 0));
      benAppt = await w.book(w.ids.ben, tomorrowAt(10, 20));
    });
    after(async () => {
      for (const c of sockets) c.kill();
      await w?.close();
    });

    const join = async (user: string, visitId: string) => {
      const res = await w.api(user, 'POST', `/${visitId}/join`, {});
      assert.equal(res.status, 200, res.text);
      const joined = await VisitSocketClient.join(w.s.base, res.body.ticket as string);
      track(joined.client);
      return joined;
    };

    it('opens the visit of a booked appointment as a planned, virtual Encounter linked to it', async () => {
      const res = await w.api('ana@test', 'POST', `/appointments/${anaAppt}`, {});
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 'planned');
      assert.equal(res.body.as, 'patient');
      assert.equal(res.body.checkInOpensAt, new Date(tomorrowAt(9, 45)).toISOString());
      anaVisit = res.body.id;
      const again = await w.api('dra@test', 'POST', `/appointments/${anaAppt}`, {});
      assert.equal(again.body.id, anaVisit, 'one visit per appointment');
      assert.equal(again.body.as, 'clinician');
      const enc = await w.s.as(w.tokens['dra@test'] ?? '', 'GET', `/Encounter/${anaVisit}`);
      assert.equal(enc.status, 200, enc.text);
      assert.equal(enc.body.class.code, 'VR');
      assert.equal(enc.body.status, 'planned');
      assert.equal(enc.body.appointment[0].reference, `Appointment/${anaAppt}`);
      assert.equal(enc.body.subject.reference, `Patient/${w.ids.ana}`);
    });

    it('refuses a check-in before the window opens, with a wrong date of birth, or without consent', async () => {
      const checkIn = (body: Record<string, unknown>) =>
        w.api('ana@test', 'POST', `/${anaVisit}/check-in`, {
          birthDate: w.birthDates.ana,
          answers: intakeAnswers,
          consent: true,
          deviceCheck: goodDeviceCheck(w.clock.ms),
          ...body,
        });
      w.clock.ms = tomorrowAt(9, 40);
      const early = await checkIn({});
      assert.equal(early.status, 409, early.text);
      assert.match(early.body.issue[0].diagnostics, /15 minutes before/);
      w.clock.ms = tomorrowAt(9, 46);
      const wrong = await checkIn({ birthDate: '1980-04-13' });
      assert.equal(wrong.status, 422);
      assert.doesNotMatch(wrong.text, /1980/, 'the error does not echo the date of birth');
      const noConsent = await checkIn({ consent: false });
      assert.equal(noConsent.status, 422);
      const badIntake = await checkIn({ answers: { ...intakeAnswers, reason: undefined, 'pain-score': 11 } });
      assert.equal(badIntake.status, 422, badIntake.text);
      assert.doesNotMatch(badIntake.text, /blood pressure/);
      const still = await w.api('ana@test', 'GET', `/${anaVisit}`);
      assert.equal(still.body.status, 'planned', 'nothing was written by the refused check-ins');
    });

    it('checks in: intake, consent and device test recorded; the Appointment is checked in', async () => {
      const intake = await w.api('ana@test', 'GET', `/${anaVisit}/intake`);
      assert.equal(intake.body.resourceType, 'Questionnaire');
      const res = await w.api('ana@test', 'POST', `/${anaVisit}/check-in`, {
        birthDate: w.birthDates.ana,
        answers: intakeAnswers,
        consent: true,
        deviceCheck: goodDeviceCheck(w.clock.ms),
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 'arrived');
      assert.equal(res.body.checkedIn, true);
      const dr = w.tokens['dra@test'] ?? '';
      const appt = await w.s.as(dr, 'GET', `/Appointment/${anaAppt}`);
      assert.equal(appt.body.status, 'checked-in');
      const qr = await w.s.as(dr, 'GET', `/QuestionnaireResponse?encounter=Encounter/${anaVisit}`);
      assert.equal(qr.body.total ?? qr.body.entry?.length, 1, qr.text);
      const consent = await w.s.as(dr, 'GET', `/Consent?patient=Patient/${w.ids.ana}`);
      assert.ok((consent.body.entry?.length ?? 0) >= 1, consent.text);
      const again = await w.api('ana@test', 'POST', `/${anaVisit}/check-in`, {
        birthDate: w.birthDates.ana,
        answers: intakeAnswers,
        consent: true,
        deviceCheck: goodDeviceCheck(w.clock.ms),
      });
      assert.equal(again.status, 409);
    });

    it('shows each waiting patient their own place and wait, and the clinician the whole queue', async () => {
      const ana = await join('ana@test', anaVisit);
      assert.equal(ana.welcome.role, 'patient');
      assert.equal(ana.welcome.offerer, false);
      const first = await ana.client.next((m) => m.t === 'wait', 'a place in the queue');
      assert.deepEqual(first, { t: 'wait', position: 1, etaMinutes: 15 });

      const watch = await w.api('dra@test', 'POST', '/queue/watch', {});
      assert.equal(watch.status, 200, watch.text);
      const queue = track((await VisitSocketClient.join(w.s.base, watch.body.ticket)).client);
      await queue.next((m) => m.t === 'queue' && m.waiting === 1, 'the queue of one');

      w.clock.ms = tomorrowAt(10, 5);
      benVisit = await w.checkIn('ben@test', benAppt, w.birthDates.ben);
      const ben = await join('ben@test', benVisit);
      const benPlace = await ben.client.next((m) => m.t === 'wait', "Ben's place");
      assert.equal(benPlace.t === 'wait' && benPlace.position, 2);
      await queue.next((m) => m.t === 'queue' && m.waiting === 2, 'the queue of two');

      const list = await w.api('dra@test', 'GET', '/queue');
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(
        list.body.map((e: { visitId: string }) => e.visitId),
        [anaVisit, benVisit],
      );
      assert.equal(list.body[0].patient.name, 'Ana Adams');
      assert.equal(list.body[0].intakeDone, true);
      assert.equal(list.body[0].deviceCheck, 'ready');

      // A patient sees no one else: no names, ids or visits of others ever reach their socket.
      const seenByBen = JSON.stringify(ben.client.received);
      for (const other of [w.ids.ana, anaVisit, 'Ana', 'Adams']) assert.ok(!seenByBen.includes(other));
      const patientsQueue = await w.api('ana@test', 'GET', '/queue');
      assert.equal(patientsQueue.status, 403);
    });

    it('lets no one but the clinician admit, and no waiting patient signal', async () => {
      const ana = sockets[0];
      assert.ok(ana);
      ana.send({ t: 'signal', data: { description: { type: 'offer', sdp: 'x' } } });
      const refused = await ana.next((m) => m.t === 'error', 'the refusal');
      assert.equal(refused.t === 'error' && refused.code, 'not-in-progress');
      assert.equal((await w.api('ana@test', 'POST', `/${anaVisit}/admit`, {})).status, 403);
      assert.equal((await w.api('drb@test', 'POST', `/${anaVisit}/admit`, {})).status, 404);
      assert.equal((await w.api('ben@test', 'POST', `/${anaVisit}/admit`, {})).status, 404);
    });

    it('admits: the patient hears it at once, the next patient moves up, and both sides relay signals', async () => {
      w.clock.ms = tomorrowAt(10, 6);
      const [ana, , ben] = sockets;
      assert.ok(ana && ben);
      const res = await w.api('dra@test', 'POST', `/${anaVisit}/admit`, {});
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 'in-progress');
      assert.equal(res.body.modality, 'video');
      await ana.next((m) => m.t === 'status' && m.status === 'in-progress', 'the admission');
      await ben.next((m) => m.t === 'wait' && m.position === 1, 'Ben moving up');

      const dr = await join('dra@test', anaVisit);
      assert.equal(dr.welcome.offerer, true);
      await ana.next(
        (m) => m.t === 'peer' && m.id === 'clinician' && m.state === 'joined',
        'the clinician arriving',
      );
      await dr.client.next((m) => m.t === 'peer' && m.id === 'patient', 'the patient already here');
      dr.client.send({ t: 'signal', data: { description: { type: 'offer', sdp: 'v=0 offer' } } });
      const offer = await ana.next((m) => m.t === 'signal', 'the offer');
      assert.deepEqual(offer, {
        t: 'signal',
        from: 'clinician',
        data: { description: { type: 'offer', sdp: 'v=0 offer' } },
      });
      ana.send({
        t: 'signal',
        data: { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' } },
      });
      await dr.client.next((m) => m.t === 'signal' && m.from === 'patient', 'the candidate');
      assert.equal(ben.all('signal').length, 0, 'another visit hears nothing');
    });

    it('keeps chat as Communications and time-stamps a switch to audio only on the Encounter', async () => {
      const ana = sockets[0];
      assert.ok(ana);
      ana.send({ t: 'chat', text: 'Can you hear me?' });
      const chat = await ana.next((m) => m.t === 'chat', 'the chat echo');
      assert.equal(chat.t === 'chat' && chat.from, 'patient');
      const dr = w.tokens['dra@test'] ?? '';
      const comms = await w.s.as(dr, 'GET', `/Communication?encounter=Encounter/${anaVisit}`);
      assert.equal(comms.body.entry?.[0]?.resource?.payload?.[0]?.contentString, 'Can you hear me?');

      w.clock.ms = tomorrowAt(10, 10);
      ana.send({ t: 'modality', modality: 'audio' });
      await ana.next((m) => m.t === 'modality' && m.modality === 'audio', 'the switch');
      const enc = await w.s.as(dr, 'GET', `/Encounter/${anaVisit}`);
      const history = enc.body.extension.filter(
        (e: { url: string }) => e.url === 'urn:openvisit:modality-history',
      );
      assert.equal(history.length, 2);
      assert.equal(history[1].extension[0].valueCode, 'audio');
      assert.equal(Date.parse(history[1].extension[1].valuePeriod.start), tomorrowAt(10, 10));
    });

    it('resumes a dropped socket without admission again; the peer hears the same participant rejoin', async () => {
      const ana = sockets[0];
      const dr = sockets[3];
      assert.ok(ana && dr);
      const welcome = ana.received.find((m) => m.t === 'welcome');
      assert.ok(welcome?.t === 'welcome');
      ana.kill();
      await dr.next((m) => m.t === 'peer' && m.id === 'patient' && m.state === 'left', 'the drop');
      const before = dr.received.length;
      const resumed = await VisitSocketClient.join(w.s.base, welcome.resume, 'existing');
      track(resumed.client);
      assert.equal(resumed.welcome.status, 'in-progress');
      assert.equal(resumed.welcome.participantId, 'patient');
      const rejoined = await dr.next((m) => m.t === 'peer' && m.state === 'joined', 'the rejoin', before);
      assert.equal(rejoined.t === 'peer' && rejoined.pc, 'existing');
      const summary = await w.api('ana@test', 'GET', `/${anaVisit}`);
      assert.equal(summary.body.status, 'in-progress');
    });

    it('ends: finished Encounter with its length, fulfilled Appointment, next steps, sockets closed', async () => {
      w.clock.ms = tomorrowAt(10, 21);
      const ana = sockets.at(-1);
      assert.ok(ana);
      const res = await w.api('dra@test', 'POST', `/${anaVisit}/end`, {
        nextSteps: 'Recheck blood pressure in 2 weeks.',
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 'finished');
      assert.equal(res.body.lengthMinutes, 15);
      await ana.next((m) => m.t === 'status' && m.status === 'finished', 'the end');
      assert.equal(await ana.closedWith(), 4410);
      const dr = w.tokens['dra@test'] ?? '';
      const enc = await w.s.as(dr, 'GET', `/Encounter/${anaVisit}`);
      assert.equal(enc.body.status, 'finished');
      assert.equal(enc.body.length.value, 15);
      assert.equal((await w.s.as(dr, 'GET', `/Appointment/${anaAppt}`)).body.status, 'fulfilled');
      const next = await w.api('ana@test', 'GET', `/${anaVisit}/next-steps`);
      assert.equal(next.body.text, 'Recheck blood pressure in 2 weeks.');
      const after = await w.api('ana@test', 'POST', `/${anaVisit}/join`, {});
      assert.equal(after.status, 409, 'no joining a finished visit');
    });

    it('takes one satisfaction survey from each side', async () => {
      const patient = await w.api('ana@test', 'POST', `/${anaVisit}/survey`, { score: 5, comment: 'Easy' });
      assert.equal(patient.status, 201, patient.text);
      const clinician = await w.api('dra@test', 'POST', `/${anaVisit}/survey`, { score: 4 });
      assert.equal(clinician.status, 201, clinician.text);
      assert.equal((await w.api('ana@test', 'POST', `/${anaVisit}/survey`, { score: 1 })).status, 409);
      assert.equal((await w.api('ben@test', 'POST', `/${anaVisit}/survey`, { score: 1 })).status, 404);
      assert.equal((await w.api('ana@test', 'POST', `/${anaVisit}/survey`, { score: 9 })).status, 422);
      const qr = await w.s.as(w.tokens['dra@test'] ?? '', 'GET', `/QuestionnaireResponse/${patient.body.id}`);
      assert.equal(qr.body.encounter.reference, `Encounter/${anaVisit}`);
    });

    it('cancels a waiting visit: the patient is told at once, the Encounter and Appointment are cancelled', async () => {
      const ben = sockets[2];
      assert.ok(ben);
      assert.equal(
        (await w.api('ben@test', 'POST', `/${benVisit}/cancel`, {})).status,
        403,
        'a booked visit: from its appointment',
      );
      const res = await w.api('dra@test', 'POST', `/${benVisit}/cancel`, { reason: 'Clinician called away' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.status, 'cancelled');
      await ben.next((m) => m.t === 'status' && m.status === 'cancelled', 'the cancellation');
      assert.equal(await ben.closedWith(), 4410);
      const dr = w.tokens['dra@test'] ?? '';
      assert.equal((await w.s.as(dr, 'GET', `/Appointment/${benAppt}`)).body.status, 'cancelled');
      const enc = await w.s.as(dr, 'GET', `/Encounter/${benVisit}`);
      assert.equal(enc.body.status, 'cancelled');
      assert.equal((await w.api('dra@test', 'POST', `/${benVisit}/admit`, {})).status, 409);
    });

    it('counts joins, media, waits and durations in /metrics', async () => {
      const res = await fetch(`${w.s.base}/metrics`);
      const text = await res.text();
      assert.match(text, /visit_join_attempts_total\{role="patient"\} [1-9]/);
      assert.match(text, /visit_wait_seconds_count [1-9]/);
      assert.match(text, /visit_duration_seconds_count 1/);
      assert.match(text, /visit_reconnects_total 1/);
      assert.match(text, /visit_modality_switches_total\{to="audio",trigger="user"\} 1/);
      assert.doesNotMatch(text, new RegExp(anaVisit));
    });

    it('never wrote a patient name, chat text or answer to the log', () => {
      const logs = w.s.logs.join('');
      for (const phi of ['Adams', 'Can you hear me', 'blood pressure', w.birthDates.ana])
        assert.ok(!logs.includes(phi), phi);
    });
  },
);
