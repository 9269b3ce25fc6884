import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probe } from '../src/ui/service-status.js';

const answering = (status: number) => (async () => new Response('', { status })) as typeof fetch;

describe('service status', () => {
  it('is ok when /readyz answers 200, degraded on 503, offline when nothing answers', async () => {
    assert.equal(await probe(answering(200)), 'ok');
    assert.equal(await probe(answering(503)), 'degraded');
    const unreachable = (async () => {
      throw new TypeError('failed to fetch');
    }) as typeof fetch;
    assert.equal(await probe(unreachable), 'offline');
  });
});
