import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Lifecycle } from '../../src/platform/lifecycle.js';
import { gracefulShutdown } from '../../src/platform/shutdown.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testApp } from './helpers.js';

let t: TestDatabase;

before(async () => {
  t = await createTestDatabase();
});

after(async () => {
  await t.close();
});

interface Gate {
  entered: Promise<void>;
  release: () => void;
}

function gate(): Gate & { enter: () => void; wait: Promise<void> } {
  let enter!: () => void;
  let release!: () => void;
  const entered = new Promise<void>((r) => (enter = r));
  const wait = new Promise<void>((r) => (release = r));
  return { entered, enter, release, wait };
}

async function slowApp(
  g: ReturnType<typeof gate>,
  lifecycle: Lifecycle,
): Promise<{ app: FastifyInstance; base: string }> {
  const { app } = await testApp(t, {
    lifecycle,
    routes: (a) =>
      a.get(
        '/test/slow',
        {
          schema: {
            querystring: { type: 'object' },
            response: { 200: { type: 'object', additionalProperties: true } },
          },
        },
        async () => {
          g.enter();
          await g.wait;
          return { done: true };
        },
      ),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${port}` };
}

test('shutdown waits for an in-flight request, then stops the rest in order', async () => {
  const g = gate();
  const lifecycle = new Lifecycle();
  const { app, base } = await slowApp(g, lifecycle);
  const inFlight = fetch(`${base}/test/slow`);
  await g.entered;

  const stopped: string[] = [];
  const done = gracefulShutdown({
    lifecycle,
    app,
    graceMs: 60_000,
    after: [
      { name: 'relay', stop: async () => void stopped.push('relay') },
      { name: 'db', stop: async () => void stopped.push('db') },
    ],
  });
  assert.equal(lifecycle.shuttingDown, true, 'readiness flips at once');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(stopped, [], 'nothing after the HTTP server stops while a request is in flight');
  await assert.rejects(fetch(`${base}/healthz`), 'no new connections are accepted');

  g.release();
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { done: true });
  await done;
  assert.deepEqual(stopped, ['relay', 'db']);
});

test('the grace period bounds the wait for a request that never ends', async () => {
  const g = gate();
  const lifecycle = new Lifecycle();
  const { app, base } = await slowApp(g, lifecycle);
  const inFlight = fetch(`${base}/test/slow`).then(
    () => 'answered',
    () => 'cut',
  );
  await g.entered;
  const stopped: string[] = [];
  await gracefulShutdown({
    lifecycle,
    app,
    graceMs: 50,
    after: [{ name: 'db', stop: async () => void stopped.push('db') }],
  });
  assert.equal(await inFlight, 'cut');
  assert.deepEqual(stopped, ['db']);
  g.release();
});

test('a failing step does not keep later steps from running', async () => {
  const lifecycle = new Lifecycle();
  const { app } = await testApp(t, { lifecycle });
  const stopped: string[] = [];
  await gracefulShutdown({
    lifecycle,
    app,
    graceMs: 1000,
    after: [
      {
        name: 'relay',
        stop: async () => {
          throw new Error('boom');
        },
      },
      { name: 'db', stop: async () => void stopped.push('db') },
    ],
  });
  assert.deepEqual(stopped, ['db']);
});
