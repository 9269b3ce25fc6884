import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_TURN_TTL_SECONDS,
  MAX_TURN_TTL_SECONDS,
  MIN_TURN_TTL_SECONDS,
  iceConfigFromEnv,
} from '../../src/modules/visits/ice/index.js';

const SECRET = 'a-shared-secret-of-some-length';
const TURN = { TURN_URLS: 'turn:turn.example.org:3478', TURN_SECRET: SECRET };

/** Asserts the env is refused with a message matching `message` that does not echo the secret. */
function refused(env: NodeJS.ProcessEnv, message: RegExp): void {
  assert.throws(
    () => iceConfigFromEnv(env),
    (err: Error) => {
      assert.match(err.message, message);
      if (env.TURN_SECRET) assert.ok(!err.message.includes(env.TURN_SECRET), 'the error shows TURN_SECRET');
      return true;
    },
  );
}

describe('ICE configuration from the environment', () => {
  it('is empty when nothing is set: browsers connect directly', () => {
    assert.deepEqual(iceConfigFromEnv({}), {
      stunUrls: [],
      turnUrls: [],
      turnSecret: undefined,
      turnTtlSeconds: DEFAULT_TURN_TTL_SECONDS,
    });
  });

  it('reads comma-separated STUN and TURN URLs, the secret and the lifetime', () => {
    const config = iceConfigFromEnv({
      STUN_URLS: ' stun:stun.example.org , stuns:stun.example.org:5349,,stun:stun.example.org',
      TURN_URLS:
        'turn:turn.example.org:3478?transport=udp, turn:turn.example.org:3478?transport=tcp,turns:turn.example.org:443?transport=tcp,turn:[2001:db8::1]:3478,turn:192.0.2.7',
      TURN_SECRET: SECRET,
      TURN_TTL_SECONDS: '900',
    });
    assert.deepEqual(config, {
      stunUrls: ['stun:stun.example.org', 'stuns:stun.example.org:5349'],
      turnUrls: [
        'turn:turn.example.org:3478?transport=udp',
        'turn:turn.example.org:3478?transport=tcp',
        'turns:turn.example.org:443?transport=tcp',
        'turn:[2001:db8::1]:3478',
        'turn:192.0.2.7',
      ],
      turnSecret: SECRET,
      turnTtlSeconds: 900,
    });
  });

  it('needs the secret with TURN servers, and TURN servers with a secret', () => {
    refused({ TURN_URLS: 'turn:turn.example.org' }, /^TURN_SECRET must be set when TURN_URLS is set/);
    refused({ TURN_URLS: 'turn:turn.example.org', TURN_SECRET: '' }, /^TURN_SECRET must be set/);
    refused({ TURN_SECRET: SECRET }, /^TURN_URLS must be set when TURN_SECRET is set/);
  });

  it('refuses a short secret or one with surrounding spaces, without echoing it', () => {
    refused({ ...TURN, TURN_SECRET: 'short-secret' }, /^TURN_SECRET must be at least 16 characters/);
    refused({ ...TURN, TURN_SECRET: ` ${SECRET}` }, /^TURN_SECRET must be at least 16 characters/);
  });

  it('refuses URLs that are not STUN or TURN URLs, naming the variable and the entry', () => {
    for (const url of [
      'https://turn.example.org',
      'turn:',
      'turn:turn.example.org:0',
      'turn:turn.example.org:99999',
      'turn:turn.example.org?transport=sctp',
      'stun:turn.example.org',
    ])
      refused(
        { ...TURN, TURN_URLS: url },
        new RegExp(`^TURN_URLS has "${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`),
      );
    refused({ ...TURN, TURN_URLS: 'turns:turn.example.org?transport=udp' }, /^TURN_URLS has .* use TCP/);
    // User info is refused without being repeated: it would be a password in the server's log.
    assert.throws(
      () =>
        iceConfigFromEnv({ ...TURN, TURN_URLS: 'turn:turn.example.org,turn:alice:hunter2@turn.example.org' }),
      (err: Error) =>
        /^TURN_URLS entry 2 has user info/.test(err.message) && !err.message.includes('hunter2'),
    );
    for (const url of ['turn:stun.example.org', 'stun:stun.example.org?transport=udp', 'stun:a b'])
      refused({ STUN_URLS: url }, /^STUN_URLS has ".*"; each entry must be stun:host\[:port\]/);
  });

  it(`takes a lifetime of ${MIN_TURN_TTL_SECONDS} to ${MAX_TURN_TTL_SECONDS} whole seconds`, () => {
    assert.equal(iceConfigFromEnv({ ...TURN, TURN_TTL_SECONDS: '60' }).turnTtlSeconds, 60);
    assert.equal(iceConfigFromEnv({ ...TURN, TURN_TTL_SECONDS: '86400' }).turnTtlSeconds, 86_400);
    for (const ttl of ['59', '86401', '1.5', '-60', 'one hour', '0'])
      refused(
        { ...TURN, TURN_TTL_SECONDS: ttl },
        /^TURN_TTL_SECONDS must be a whole number of seconds from 60 to 86400/,
      );
  });
});
