import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { NatsSignalBus } from '../../src/modules/visits/signaling/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { NatsServer } from './signal-bus-nats-server.js';
import { VisitSocketClient } from './support/socket-client.js';
import { tomorrowAt, visitWorld, type VisitWorld } from './support/visit-fixture.js';

/**
 * Two OpenVisit nodes on one database, signaling through Debian's nats-server: the patient on one
 * node, the clinician on the other. Then the patient's node dies and the patient resumes on the
 * other node with the same resume token, without admission again.
 */
describe('a visit across two nodes over NATS, surviving the loss of a node', { timeout: 240_000 }, () => {
  let nats: NatsServer;
  let w: VisitWorld;
  let nodeB: TestServer;
  let busA: NatsSignalBus;
  let busB: NatsSignalBus;
  const keyring = [{ id: 'nodes', key: crypto.randomBytes(32) }];
  const sockets: VisitSocketClient[] = [];
  let visit: string;

  before(async () => {
    nats = await NatsServer.start();
    const servers = [nats.url.replace('nats://', '')];
    busA = await NatsSignalBus.connect({ servers, nodeId: 'node-a' });
    busB = await NatsSignalBus.connect({ servers, nodeId: 'node-b' });
    w = await visitWorld({ keyring, visits: { bus: busA } });
    nodeB = await startTestServer({
      tdb: w.s.tdb,
      security: { mode: 'secured', keyring },
      // One public address for both (as behind a load balancer): tokens name it as their audience.
      env: { BASE_URL: w.s.base },
      visits: { bus: busB, now: w.clock.now },
    });
    const appt = await w.book(w.ids.ana, tomorrowAt(10, 0));
    w.clock.ms = tomorrowAt(9, 55);
    visit = await w.checkIn('ana@test', appt, w.birthDates.ana);
  });
  after(async () => {
    for (const c of sockets) c.kill();
    await nodeB?.close();
    await w?.close();
    await busA?.close();
    await busB?.close();
    await nats?.stop();
  });

  const baseB = () => nodeB.fhir.replace(/\/fhir\/R4$/, '');
  const joinOn = async (base: string, user: string) => {
    const res = await w.api(user, 'POST', `/${visit}/join`, {});
    assert.equal(res.status, 200, res.text);
    const joined = await VisitSocketClient.join(base, res.body.ticket as string);
    sockets.push(joined.client);
    return joined;
  };

  it('the waiting patient on node A hears the admission made on node B, and signals cross nodes', async () => {
    const patient = await joinOn(w.s.base, 'ana@test');
    await patient.client.next((m) => m.t === 'wait', 'a place');
    w.clock.ms = tomorrowAt(10, 0);
    const admit = await nodeB.request(
      'POST',
      `${baseB()}/api/visits/${visit}/admit`,
      {},
      {
        authorization: `Bearer ${w.tokens['dra@test'] ?? ''}`,
      },
    );
    assert.equal(admit.status, 200, admit.text);
    await patient.client.next(
      (m) => m.t === 'status' && m.status === 'in-progress',
      'the admission from node B',
    );
    const clinician = await joinOn(baseB(), 'dra@test');
    await patient.client.next((m) => m.t === 'peer' && m.id === 'clinician', 'the clinician on node B');
    await clinician.client.next((m) => m.t === 'peer' && m.id === 'patient', 'the patient on node A');
    clinician.client.send({ t: 'signal', data: { description: { type: 'offer', sdp: 'from-b' } } });
    const offer = await patient.client.next((m) => m.t === 'signal', 'the offer across nodes');
    assert.equal(offer.t === 'signal' && (offer.data.description as { sdp: string }).sdp, 'from-b');
    patient.client.send({ t: 'signal', data: { description: { type: 'answer', sdp: 'from-a' } } });
    await clinician.client.next((m) => m.t === 'signal' && m.from === 'patient', 'the answer across nodes');
  });

  it('when node A dies, the patient resumes on node B with the same token, without admission', async () => {
    const patient = sockets[0];
    const clinician = sockets[1];
    assert.ok(patient && clinician);
    const welcome = patient.received.find((m) => m.t === 'welcome');
    assert.ok(welcome?.t === 'welcome');
    const before = clinician.received.length;
    await w.s.app.close(); // node A goes away: its sockets drop
    assert.notEqual(await patient.closedWith(), 4410, 'a dropped socket, not the end of the visit');
    const resumed = await VisitSocketClient.join(baseB(), welcome.resume, 'existing');
    sockets.push(resumed.client);
    assert.equal(resumed.welcome.status, 'in-progress');
    assert.equal(resumed.welcome.participantId, 'patient');
    const rejoined = await clinician.next(
      (m) => m.t === 'peer' && m.state === 'joined',
      'the rejoin',
      before,
    );
    assert.equal(rejoined.t === 'peer' && rejoined.pc, 'existing');
    clinician.send({ t: 'signal', data: { description: { type: 'offer', sdp: 'ice-restart' } } });
    await resumed.client.next((m) => m.t === 'signal', 'signaling on node B');
    const status = await nodeB.request('GET', `${baseB()}/api/visits/${visit}`, undefined, {
      authorization: `Bearer ${w.tokens['ana@test'] ?? ''}`,
    });
    assert.equal(status.body.status, 'in-progress', 'still the same visit, never re-admitted');
  });
});
