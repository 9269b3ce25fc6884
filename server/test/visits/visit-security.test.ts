import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { auditEventsOf } from '../../src/auth/audit/entries.js';
import { JanusMediaProvider } from '../../src/modules/visits/media/index.js';
import { VisitTickets } from '../../src/modules/visits/tickets/visit-tickets.js';
import type { FhirJson } from '../support/server.js';
import { JanusServer } from './janus-server.js';
import { VisitSocketClient } from './support/socket-client.js';
import { tomorrowAt, visitWorld, type VisitWorld } from './support/visit-fixture.js';

describe(
  'video visit security: participants only, one-time invitations, private queues, audited joins',
  { timeout: 240_000 },
  () => {
    let w: VisitWorld;
    let janus: JanusServer;
    let media: JanusMediaProvider;
    const keyring = [{ id: 'sec', key: crypto.randomBytes(32) }];
    let anaVisit: string;
    let benVisit: string;
    const sockets: VisitSocketClient[] = [];

    before(async () => {
      janus = await JanusServer.start();
      media = new JanusMediaProvider({
        url: janus.url,
        ...(janus.apiSecret ? { apiSecret: janus.apiSecret } : {}),
      });
      w = await visitWorld({ keyring, visits: { media } });
      const anaAppt = await w.book(w.ids.ana, tomorrowAt(10, 0));
      const benAppt = await w.book(w.ids.ben, tomorrowAt(10, 0), w.ids.drB);
      w.clock.ms = tomorrowAt(9, 50);
      anaVisit = await w.checkIn('ana@test', anaAppt, w.birthDates.ana);
      benVisit = await w.checkIn('ben@test', benAppt, w.birthDates.ben);
    });
    after(async () => {
      for (const c of sockets) c.kill();
      await w?.close();
      await media?.close();
      await janus?.stop();
    });

    /** The tenant's audit events (decoded), newest first. */
    async function auditEvents(): Promise<FhirJson[]> {
      const res = await w.s.tdb.db.query<{ seq: string; event: string; recorded: Date }>(
        w.s.tdb.tenantA,
        `SELECT seq::text, event, recorded FROM audit_log WHERE tenant_id = $1 ORDER BY audit_log.id DESC`,
        [w.s.tdb.tenantA],
      );
      return res.rows.flatMap((r) => auditEventsOf(r.event, r.recorded, r.seq) as FhirJson[]);
    }
    const operations = (events: FhirJson[], op: string, visit: string) =>
      events.filter((e) =>
        JSON.stringify(e).includes(Buffer.from(`Encounter/${visit}/$${op}`).toString('base64')),
      );

    it('a non-participant cannot see, join, admit, end, invite to, or read the next steps of a visit', async () => {
      for (const [method, path] of [
        ['GET', `/${anaVisit}`],
        ['POST', `/${anaVisit}/join`],
        ['POST', `/${anaVisit}/admit`],
        ['POST', `/${anaVisit}/end`],
        ['GET', `/${anaVisit}/next-steps`],
        ['POST', `/${anaVisit}/phone-bridge`],
      ] as const) {
        const res = await w.api('ben@test', method, path, method === 'POST' ? {} : undefined);
        assert.equal(res.status, 404, `Ben ${method} ${path}: ${res.text}`);
        const other = await w.api('drb@test', method, path, method === 'POST' ? {} : undefined);
        assert.equal(other.status, 404, `Dr B ${method} ${path}: ${other.text}`);
      }
      assert.equal(
        (await w.api('ben@test', 'POST', `/${anaVisit}/invites`, { role: 'caregiver' })).status,
        404,
      );
      const denied = operations(await auditEvents(), 'join', anaVisit).filter((e) => e.outcome === '4');
      assert.ok(denied.length >= 2, 'the refused joins are audited as denied');
    });

    it('refuses a socket without a valid ticket, and a ticket of one visit hears nothing of another', async () => {
      const silent = await VisitSocketClient.open(w.s.base);
      sockets.push(silent);
      silent.send({ t: 'signal', data: {} });
      assert.equal(await silent.closedWith(), 4401, 'no hello first');

      const forged = await VisitSocketClient.open(w.s.base);
      sockets.push(forged);
      const wrongKey = new VisitTickets(crypto.randomBytes(32));
      forged.send({
        t: 'hello',
        ticket: wrongKey.issue(
          {
            kind: 'join',
            tenantId: w.s.tdb.tenantA,
            visitId: anaVisit,
            participantId: 'clinician',
            role: 'clinician',
            account: 'x',
          },
          w.clock.ms,
        ),
      });
      assert.equal(await forged.closedWith(), 4401, 'a ticket signed with another key');

      const expired = await VisitSocketClient.open(w.s.base);
      sockets.push(expired);
      const realKey = new VisitTickets(keyring[0]!.key);
      expired.send({
        t: 'hello',
        ticket: realKey.issue(
          {
            kind: 'join',
            tenantId: w.s.tdb.tenantA,
            visitId: anaVisit,
            participantId: 'patient',
            role: 'patient',
            account: 'x',
          },
          w.clock.ms - 120_000,
        ),
      });
      assert.equal(await expired.closedWith(), 4401, 'an expired ticket');

      const tampered = await VisitSocketClient.open(w.s.base);
      sockets.push(tampered);
      const benTicket = (await w.api('ben@test', 'POST', `/${benVisit}/join`, {})).body.ticket as string;
      const [body, mac] = benTicket.split('.');
      const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
      const edited = Buffer.from(JSON.stringify({ ...claims, visitId: anaVisit })).toString('base64url');
      tampered.send({ t: 'hello', ticket: `${edited}.${mac}` });
      assert.equal(await tampered.closedWith(), 4401, 'a ticket edited to name another visit');

      // Both visits admitted and in a call: Ben's socket never hears Ana's visit.
      w.clock.ms = tomorrowAt(10, 1);
      assert.equal((await w.api('dra@test', 'POST', `/${anaVisit}/admit`, {})).status, 200);
      assert.equal((await w.api('drb@test', 'POST', `/${benVisit}/admit`, {})).status, 200);
      const ben = await VisitSocketClient.join(
        w.s.base,
        (await w.api('ben@test', 'POST', `/${benVisit}/join`, {})).body.ticket as string,
      );
      sockets.push(ben.client);
      const dr = await VisitSocketClient.join(
        w.s.base,
        (await w.api('dra@test', 'POST', `/${anaVisit}/join`, {})).body.ticket,
      );
      sockets.push(dr.client);
      dr.client.send({ t: 'signal', data: { description: { type: 'offer', sdp: 'secret-sdp' } } });
      dr.client.send({ t: 'chat', text: 'for Ana only' });
      await dr.client.next((m) => m.t === 'chat', 'the chat echo');
      assert.ok(!JSON.stringify(ben.client.received).includes('secret-sdp'));
      assert.ok(!JSON.stringify(ben.client.received).includes('for Ana only'));
    });

    it('audits every join and admission', async () => {
      const events = await auditEvents();
      assert.ok(
        operations(events, 'admit', anaVisit).some((e) => e.outcome === '0'),
        'admit audited',
      );
      assert.ok(
        operations(events, 'join', anaVisit).some((e) => e.outcome === '0'),
        'join audited',
      );
      assert.ok(
        operations(events, 'check-in', anaVisit).some((e) => e.outcome === '0'),
        'check-in audited',
      );
    });

    it('an invitation works once, expires, and gives a guest a ticket to that visit only', async () => {
      const made = await w.api('dra@test', 'POST', `/${anaVisit}/invites`, { role: 'interpreter' });
      assert.equal(made.status, 201, made.text);
      const url = new URL(made.body.url as string);
      assert.equal(url.pathname, '/app/join');
      const token = url.hash.slice(1);
      assert.equal(url.search, '', 'the token is never in the query (servers log queries)');
      const redeem = (t: string) =>
        w.s.request('POST', `${w.s.base}/api/visits/invites/redeem`, { token: t });
      const first = await redeem(token);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.visitId, anaVisit);
      const second = await redeem(token);
      assert.equal(second.status, 404, 'a second use');
      assert.equal((await redeem('x'.repeat(43))).status, 404, 'a guess');

      const guest = await VisitSocketClient.join(w.s.base, first.body.ticket);
      sockets.push(guest.client);
      assert.equal(guest.welcome.role, 'guest');
      assert.equal(guest.welcome.media, 'sfu', 'a third person moves the visit to the media server');
      assert.equal(guest.welcome.kind, 'interpreter', 'a guest is known by their invitation role');
      const enc = await w.s.as(w.tokens['dra@test'] ?? '', 'GET', `/Encounter/${anaVisit}`);
      assert.ok(
        enc.body.participant.some(
          (p: FhirJson) => p.type[0].coding[0].code === 'translator' && p.period?.start,
        ),
        JSON.stringify(enc.body.participant),
      );
      const guestJoin = operations(await auditEvents(), 'join', anaVisit).filter((e) =>
        JSON.stringify(e).includes(first.body.participantId),
      );
      assert.equal(guestJoin.length, 1, "the guest's join is audited with the guest as the agent");

      const late = await w.api('ana@test', 'POST', `/${anaVisit}/invites`, { role: 'caregiver' });
      assert.equal(late.status, 201, late.text);
      w.clock.ms += 31 * 60_000;
      assert.equal(
        (await redeem(new URL(late.body.url as string).hash.slice(1))).status,
        404,
        'an expired link',
      );
      assert.equal((await w.api('ben@test', 'POST', `/${benVisit}/invites`, { role: 'nobody' })).status, 400);
    });
  },
);
