import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { securityHeadersPlugin } from '../../src/platform/http/security-headers.js';
import { webAppPlugin } from '../../src/web/web-app.js';

async function appWith(dist: string): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(securityHeadersPlugin);
  await app.register(webAppPlugin, { clientId: 'openvisit-web', fhirPrefix: '/fhir/R4', dist });
  await app.ready();
  return app;
}

describe('serving the web app', () => {
  let dir: string;
  let app: FastifyInstance;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>OpenVisit</title><div id="root"></div>',
    );
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = await appWith(dir);
  });
  after(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every app path with index.html under the app policy, never cached', async () => {
    for (const url of ['/app', '/app/', '/app/home', '/app/callback?code=x&state=y']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /<div id="root">/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
    }
  });

  it('serves hashed assets with a year of caching, and 404 for a missing one', async () => {
    const res = await app.inject({ method: 'GET', url: '/app/assets/index-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    const missing = await app.inject({ method: 'GET', url: '/app/assets/nope.js' });
    assert.equal(missing.statusCode, 404);
    const escape = await app.inject({ method: 'GET', url: '/app/assets/..%2f..%2fetc%2fpasswd' });
    assert.notEqual(escape.statusCode, 200);
  });

  it('tells the app its client and FHIR base, and leads / to the app', async () => {
    const config = await app.inject({ method: 'GET', url: '/app/config.json' });
    assert.deepEqual(config.json(), { clientId: 'openvisit-web', fhirBase: '/fhir/R4' });
    const root = await app.inject({ method: 'GET', url: '/' });
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/app/');
  });

  it('says how to build the app when it has not been built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-web-empty-'));
    const bare = await appWith(empty);
    try {
      const res = await bare.inject({ method: 'GET', url: '/app/home' });
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /npm run build/);
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
