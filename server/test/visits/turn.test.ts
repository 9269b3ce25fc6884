import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { iceConfigFromEnv, iceServers, type IceServer } from '../../src/modules/visits/ice/index.js';
import { launchChromium, type ChromiumSession } from '../browser/support/chromium.js';
import { gatherRelayCandidates, relayCall, type GatherResult } from './turn-page.js';
import { startTurnServer, type TurnServer } from './turn-server.js';

/**
 * The proof that OpenVisit's TURN credentials work with coturn: Debian's `turnserver` on loopback
 * in REST-API mode, and real Chromium making relay-only WebRTC connections through it.
 */

/** ICE on loopback: without it Chromium ignores 127.0.0.1, where coturn and its relays are. */
const LOOPBACK_ICE = '--allow-loopback-in-peer-connection';

let turn: TurnServer | undefined;
let browser: ChromiumSession | undefined;
let page: Page;

function config(secret: string) {
  if (!turn) throw new Error('coturn is not running');
  return iceConfigFromEnv({ TURN_URLS: turn.url, TURN_SECRET: secret, TURN_TTL_SECONDS: '600' });
}

/**
 * Relay candidates are none, the browser saw 401 Unauthorized from coturn's URL, and coturn logged
 * that it refused this username (and never allocated for it).
 */
async function assertRefused(result: GatherResult, servers: IceServer[]): Promise<void> {
  assert.ok(turn);
  assert.equal(result.gatheringState, 'complete', 'the browser never finished with the TURN server');
  assert.deepEqual(result.candidateTypes, [], 'a candidate was gathered with refused credentials');
  const url = servers[0]?.urls[0];
  assert.ok(
    result.candidateErrors.some((e) => e.errorCode === 401 && url !== undefined && e.url === url),
    `no 401 from coturn: ${JSON.stringify(result.candidateErrors)}`,
  );
  const user = `user <${servers[0]?.username}>`;
  assert.ok(
    await turn.logged(`${user}: incoming packet message processed, error 401: Unauthorized`),
    turn.log(),
  );
  assert.ok(!turn.log().includes(`${user}: incoming packet ALLOCATE processed, success`));
}

describe('TURN through coturn, in Chromium', () => {
  before(async () => {
    turn = await startTurnServer();
    // No origin is allowed: the page is about:blank, and WebRTC's traffic is not routed requests.
    browser = await launchChromium({ allowedOrigins: [], extraArgs: [LOOPBACK_ICE] });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto('about:blank');
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      await turn?.stop();
    }
  });

  it('relays a data channel both ways with valid credentials, over a relay candidate pair', async () => {
    assert.ok(turn);
    const userId = `participant-${crypto.randomUUID()}`;
    const servers = iceServers(config(turn.secret), userId, Date.now());
    const result = await relayCall(page, servers);
    assert.equal(result.receivedByB, 'hello from a');
    assert.equal(result.receivedByA, 'hello from b');
    assert.deepEqual(result.connectionStates, ['connected', 'connected']);
    assert.deepEqual(result.selected, [
      { side: 'a', local: 'relay', remote: 'relay', state: 'succeeded', protocol: 'udp' },
      { side: 'b', local: 'relay', remote: 'relay', state: 'succeeded', protocol: 'udp' },
    ]);
    assert.deepEqual(result.addErrors, []);
    // coturn itself granted the allocation to this username (its log names the opaque id only).
    assert.ok(
      await turn.logged(`user <${servers[0]?.username}>: incoming packet ALLOCATE processed, success`),
      turn.log(),
    );
  });

  it('refuses credentials whose expiry has passed: no relay candidate, 401', async () => {
    assert.ok(turn);
    // Issued two hours ago with a 10-minute lifetime, and signed with the right secret.
    const issued = Date.now() - 2 * 3600_000;
    const servers = iceServers(config(turn.secret), `participant-${crypto.randomUUID()}`, issued);
    const expiry = Number(servers[0]?.username?.split(':')[0]);
    assert.equal(expiry, Math.floor(issued / 1000) + 600);
    await assertRefused(await gatherRelayCandidates(page, servers), servers);
  });

  it('refuses credentials signed with another secret: no relay candidate, 401', async () => {
    assert.ok(turn);
    const servers = iceServers(
      config(crypto.randomBytes(24).toString('base64url')),
      `participant-${crypto.randomUUID()}`,
      Date.now(),
    );
    await assertRefused(await gatherRelayCandidates(page, servers), servers);
  });
});
