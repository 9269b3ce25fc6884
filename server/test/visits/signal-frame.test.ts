import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSignalFrame } from '../../src/modules/visits/live/signal-frame.js';
import { seededRandom } from '../support/seeded-random.js';

/** What the frame reader must agree with: `JSON.parse` and the relay's rule for a signal frame. */
function expected(text: string): ReturnType<typeof readSignalFrame> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'other';
  const m = parsed as Record<string, unknown>;
  if (m.t !== 'signal' || typeof m.data !== 'object' || m.data === null || Array.isArray(m.data))
    return 'other';
  return { to: typeof m.to === 'string' ? m.to : undefined, data: JSON.stringify(m.data) };
}

function check(text: string): void {
  const got = readSignalFrame(Buffer.from(text));
  const want = expected(text);
  if (typeof want === 'string' || typeof got === 'string') {
    assert.equal(got, want, `frame ${JSON.stringify(text)}`);
    return;
  }
  assert.equal(got.to, want.to, `to of ${JSON.stringify(text)}`);
  // Relayed as sent: the same object, in the sender's own spelling.
  assert.equal(JSON.stringify(JSON.parse(got.data)), want.data, `data of ${JSON.stringify(text)}`);
}

const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n';

describe('reading a signal frame without parsing it', () => {
  test('signal frames: `to` and `data` as sent, whatever the spacing, escapes and key order', () => {
    const frames = [
      JSON.stringify({ t: 'signal', data: { type: 'offer', sdp: SDP } }),
      JSON.stringify({
        t: 'signal',
        to: 'p-2',
        data: { candidate: 'candidate:1 1 udp 2 127.0.0.1 5000 typ host' },
      }),
      JSON.stringify({ data: { sdp: 'é ✓ 𝄞 "quoted" \\ back' }, to: 'ünï', t: 'signal' }),
      ' \t\r\n{ "t" : "signal" , "data" : { "a" : [ 1 , -2.5e+3 , 0 , true , false , null , { } , [ ] ] } } \n',
      '{"t":"sig\\u006eal","\\u0064ata":{"x":"\\ud83d\\ude00\\u0000\\/"},"t\\u006f":"p\\n1"}',
      '{"t":"signal","data":{"n":1},"t":"signal","data":{"n":2}}', // the last one wins
      '{"t":"signal","to":7,"data":{}}', // a `to` that is not a string is no `to`
      '{"t":"signal","data":{"deep":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}}',
    ];
    for (const f of frames) {
      check(f);
      assert.equal(typeof readSignalFrame(Buffer.from(f)), 'object', f);
    }
    const spaced = '{"t":"signal","data":{ "s":   12.5 ,"n":1 }}';
    assert.deepEqual(readSignalFrame(Buffer.from(spaced)), { to: undefined, data: '{ "s":   12.5 ,"n":1 }' });
  });

  test('JSON that is not a signal with an object is left to the usual parser', () => {
    for (const f of [
      '{"t":"ping","id":1}',
      '{"t":"signal"}',
      '{"t":"signal","data":"text"}',
      '{"t":"signal","data":[1]}',
      '{"t":"signal","data":null}',
      '{"data":{}}',
      '[1,2]',
      '"signal"',
      '42',
      'null',
      '{"t":"signal","data":' + '['.repeat(40) + ']'.repeat(40) + '}', // deeper than it reads
    ])
      assert.equal(readSignalFrame(Buffer.from(f)), 'other', f);
  });

  test('what JSON.parse refuses is refused', () => {
    for (const f of [
      '',
      ' ',
      '{',
      '{"t":"signal","data":{}',
      '{"t":"signal","data":{},}',
      '{"t":"signal","data":{"a":01}}',
      '{"t":"signal","data":{"a":1.}}',
      '{"t":"signal","data":{"a":.5}}',
      '{"t":"signal","data":{"a":+1}}',
      '{"t":"signal","data":{"a":-}}',
      '{"t":"signal","data":{"a":1e}}',
      '{"t":"signal","data":{"a":NaN}}',
      '{"t":"signal","data":{"a":tru}}',
      "{'t':'signal','data':{}}",
      '{"t":"signal","data":{"a":"x\ty"}}', // a raw tab inside a string
      '{"t":"signal","data":{"a":"\\x41"}}',
      '{"t":"signal","data":{"a":"\\u12"}}',
      '{"t":"signal","data":{"a":"unterminated}}',
      '{"t":"signal","data":{}} x',
      '{"t":"signal","data":{}}{}',
      '{"t":"signal" "data":{}}',
      '{"t":"signal","data":{"a" 1}}',
      '{"t":"signal","data":{"a":[1,]}}',
      '{"t":"signal","data":{/*c*/}}',
      '\ufeff{"t":"signal","data":{}}',
    ]) {
      assert.equal(readSignalFrame(Buffer.from(f)), 'invalid', f);
      assert.equal(expected(f), 'invalid', `JSON.parse accepts ${f}`);
    }
  });

  test('agrees with JSON.parse on 20,000 frames with random damage', () => {
    const rnd = seededRandom(20261123);
    const seeds = [
      JSON.stringify({ t: 'signal', to: 'p-1', data: { type: 'answer', sdp: SDP, n: -12.75e-3, ok: true } }),
      '{ "t" : "signal", "data" : { "list" : [ 1, "two", null, { "x" : false } ] , "u" : "\\u00e9\\n" } }',
      JSON.stringify({ t: 'chat', text: 'hello' }),
    ];
    const alphabet = '{}[]":,\\ ntfrue0123456789.-+eEabu\t\n';
    for (let n = 0; n < 20_000; n++) {
      let text = seeds[n % seeds.length] as string;
      const edits = 1 + Math.floor(rnd() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * (text.length + 1));
        const ch = alphabet[Math.floor(rnd() * alphabet.length)] as string;
        const kind = rnd();
        if (kind < 0.34) text = text.slice(0, at) + ch + text.slice(at);
        else if (kind < 0.67) text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + ch + text.slice(at + 1);
      }
      check(text);
    }
  });
});
