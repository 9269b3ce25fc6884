import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../src/platform/net/free-port.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testApp, type TestApp } from './helpers.js';

function get(url: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('TLS when a certificate is configured', () => {
  let t: TestDatabase;
  let a: TestApp;
  let dir: string;
  let port: number;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ov-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    t = await createTestDatabase();
    port = await freePort();
    a = await testApp(t, { env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key, PORT: String(port) } });
    await a.app.listen({ host: '127.0.0.1', port });
  });
  after(async () => {
    await a?.app.close();
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS on every response, and no plain HTTP', async () => {
    const ca = fs.readFileSync(path.join(dir, 'cert.pem'));
    const res = await get(`https://127.0.0.1:${port}/healthz`, ca);
    assert.equal(res.status, 200);
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    const missing = await get(`https://127.0.0.1:${port}/no-such-route`, ca);
    assert.equal(missing.status, 404);
    assert.ok(missing.headers['strict-transport-security']);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });

  it('refuses a certificate without its key', async () => {
    const { loadConfig } = await import('../../src/config.js');
    assert.throws(() => loadConfig({ TLS_CERT_FILE: '/x.pem' }), /must be set together/);
    assert.match(loadConfig({ TLS_CERT_FILE: '/a.pem', TLS_KEY_FILE: '/b.pem' }).baseUrl, /^https:/);
  });
});
