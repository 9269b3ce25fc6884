import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import * as ws from 'ws';

/**
 * The patch `scripts/patch-deps.mjs` applies to ws's receiver (decision 0025): a text message
 * empties and keeps the receiver's fragment list, and messages still arrive whole.
 */

interface Receiver extends Writable {
  _fragments: unknown[];
}

type ReceiverOptions = { isServer: boolean; binaryType?: 'nodebuffer' | 'fragments' };

// ws exports its receiver; @types/ws does not declare it.
const ReceiverClass = (ws as unknown as { Receiver: new (o: ReceiverOptions) => Receiver }).Receiver;

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;

/** One client-to-server frame (masked, as RFC 6455 requires of clients). */
function frame(opcode: number, payload: Buffer, fin = true): Buffer {
  assert.ok(payload.length < 126);
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payload.length]), mask, masked]);
}

function receive(r: Receiver, bytes: Buffer): Promise<[Buffer | Buffer[], boolean]> {
  return new Promise((resolve, reject) => {
    r.once('message', (data: Buffer | Buffer[], isBinary: boolean) => resolve([data, isBinary]));
    r.write(bytes, (err) => err && reject(err));
  });
}

describe('ws receiver (patched)', () => {
  test('text messages arrive whole and reuse one fragment list', async () => {
    const r = new ReceiverClass({ isServer: true });
    const list = r._fragments;
    const [first] = await receive(r, frame(TEXT, Buffer.from('{"t":"signal","n":1}')));
    assert.equal(String(first), '{"t":"signal","n":1}');
    assert.equal(r._fragments, list);
    assert.equal(list.length, 0);

    // A message in three frames, the first two split across writes.
    const parts = ['{"t":"sig', 'nal","n', '":2}'].map((p) => Buffer.from(p));
    const bytes = Buffer.concat([
      frame(TEXT, parts[0] as Buffer, false),
      frame(CONTINUATION, parts[1] as Buffer, false),
      frame(CONTINUATION, parts[2] as Buffer),
    ]);
    const got = new Promise<Buffer>((resolve) => r.once('message', (d: Buffer) => resolve(d)));
    r.write(bytes.subarray(0, 5));
    r.write(bytes.subarray(5));
    assert.equal(String(await got), '{"t":"signal","n":2}');
    assert.equal(r._fragments, list);
    assert.equal(list.length, 0);
  });

  test('a binary message handed over as its fragment list keeps it; the receiver starts a new one', async () => {
    const r = new ReceiverClass({ isServer: true, binaryType: 'fragments' });
    const [data, isBinary] = await receive(r, frame(BINARY, Buffer.from([1, 2, 3])));
    assert.equal(isBinary, true);
    assert.ok(Array.isArray(data));
    assert.notEqual(r._fragments, data);
    await receive(r, frame(BINARY, Buffer.from([4])));
    assert.deepEqual(
      data.map((b) => [...b]),
      [[1, 2, 3]],
    );
  });

  test('invalid UTF-8 is still refused', async () => {
    const r = new ReceiverClass({ isServer: true });
    const err = await new Promise<Error & { code?: string }>((resolve) => {
      r.once('error', resolve);
      r.write(frame(TEXT, Buffer.from([0xc3, 0x28])));
    });
    assert.equal(err.code, 'WS_ERR_INVALID_UTF8');
  });
});
