import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { iceConfigFromEnv, iceServers, type IceConfig } from '../../src/modules/visits/ice/index.js';

const SECRET = 'a-shared-secret-of-some-length';
const USER = 'participant-7f3a';
/** Fixed: the tests never read the clock. */
const NOW = 1_700_000_000_500;

describe('ICE servers for a participant', () => {
  it('lists the STUN servers, then the TURN servers with credentials of their own', () => {
    const config = iceConfigFromEnv({
      STUN_URLS: 'stun:stun.example.org:3478',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp',
      TURN_SECRET: SECRET,
      TURN_TTL_SECONDS: '600',
    });
    const servers = iceServers(config, USER, NOW);
    assert.equal(servers.length, 2);
    assert.deepEqual(servers[0], { urls: ['stun:stun.example.org:3478'] });
    const turn = servers[1];
    assert.ok(turn);
    assert.deepEqual(turn.urls, [
      'turn:turn.example.org:3478?transport=udp',
      'turns:turn.example.org:443?transport=tcp',
    ]);
    // The username is exactly `<now in seconds + TTL>:<user id>`.
    assert.equal(turn.username, `${1_700_000_000 + 600}:${USER}`);
    assert.equal(
      turn.credential,
      crypto.createHmac('sha1', SECRET).update(`1700000600:${USER}`).digest('base64'),
    );
    assert.deepEqual(Object.keys(turn).sort(), ['credential', 'urls', 'username']);
  });

  it('gives STUN only, without credentials, when no TURN server is configured', () => {
    const servers = iceServers(iceConfigFromEnv({ STUN_URLS: 'stun:stun.example.org' }), USER, NOW);
    assert.deepEqual(servers, [{ urls: ['stun:stun.example.org'] }]);
  });

  it('gives nothing when nothing is configured', () => {
    assert.deepEqual(iceServers(iceConfigFromEnv({}), USER, NOW), []);
  });

  it('issues fresh credentials per participant and per time of issue', () => {
    const config = iceConfigFromEnv({ TURN_URLS: 'turn:turn.example.org', TURN_SECRET: SECRET });
    const [a] = iceServers(config, 'participant-a', NOW);
    const [b] = iceServers(config, 'participant-b', NOW);
    const [later] = iceServers(config, 'participant-a', NOW + 60_000);
    assert.notEqual(a?.credential, b?.credential);
    assert.notEqual(a?.credential, later?.credential);
    assert.equal(later?.username, `${1_700_000_060 + 3600}:participant-a`);
  });

  it('refuses a hand-built config with TURN servers and no secret, and PHI-shaped user ids', () => {
    const config: IceConfig = {
      stunUrls: [],
      turnUrls: ['turn:turn.example.org'],
      turnSecret: undefined,
      turnTtlSeconds: 60,
    };
    assert.throws(() => iceServers(config, USER, NOW), /without a shared secret/);
    const ok = iceConfigFromEnv({ TURN_URLS: 'turn:turn.example.org', TURN_SECRET: SECRET });
    assert.throws(() => iceServers(ok, 'jane.doe@example.com', NOW), /opaque id/);
  });

  it('hands out copies: a caller changing its list leaves the configuration as it was', () => {
    const config = iceConfigFromEnv({ STUN_URLS: 'stun:stun.example.org' });
    iceServers(config, USER, NOW)[0]?.urls.push('stun:evil.example.org');
    assert.deepEqual(config.stunUrls, ['stun:stun.example.org']);
  });
});
