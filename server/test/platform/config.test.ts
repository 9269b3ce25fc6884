import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.dataDir, path.resolve('./data'));
  assert.equal(c.logLevel, 'info');
  assert.equal(c.defaultTenant, 'default');
  assert.equal(c.baseUrl, 'http://localhost:8080');
  assert.equal(c.bodyLimit, 16 * 1024 * 1024);
  assert.equal(c.shutdownGraceMs, 10_000);
  assert.equal(c.outboxPollMs, 1000);
  assert.equal(c.gc.heapGrowthPercent, 300);
  assert.equal(c.gc.markingThreads, Math.max(1, os.availableParallelism() - 1));
});

test('values from the environment', () => {
  const c = loadConfig({
    PORT: '9000',
    HOST: '127.0.0.1',
    DATABASE_URL: 'postgres://u:p@db:5432/ov',
    DATA_DIR: '/var/lib/openvisit',
    LOG_LEVEL: 'debug',
    OPENVISIT_TENANT: 'clinic-a',
    BASE_URL: 'https://ov.example.org/',
    DB_POOL_SIZE: '5',
    BODY_LIMIT_BYTES: '1024',
    SHUTDOWN_GRACE_MS: '250',
    OUTBOX_POLL_MS: '500',
    EMBEDDED_PG_PORT: '6543',
    HEAP_GROWTH_PERCENT: '0',
    GC_MARKING_THREADS: '2',
  });
  assert.equal(c.port, 9000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.databaseUrl, 'postgres://u:p@db:5432/ov');
  assert.equal(c.dataDir, '/var/lib/openvisit');
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.defaultTenant, 'clinic-a');
  assert.equal(c.baseUrl, 'https://ov.example.org', 'trailing slash removed');
  assert.equal(c.dbPoolSize, 5);
  assert.equal(c.bodyLimit, 1024);
  assert.equal(c.shutdownGraceMs, 250);
  assert.equal(c.outboxPollMs, 500);
  assert.equal(c.embeddedPgPort, 6543);
  assert.equal(c.gc.heapGrowthPercent, 0, '0: V8 decides');
  assert.equal(c.gc.markingThreads, 2);
  assert.equal(loadConfig({ HEAP_GROWTH_PERCENT: '5000' }).gc.heapGrowthPercent, 1000, 'capped');
});

test('base URL follows a specific HOST and PORT', () => {
  assert.equal(loadConfig({ HOST: '10.0.0.5', PORT: '81' }).baseUrl, 'http://10.0.0.5:81');
  assert.equal(loadConfig({ HOST: '::', PORT: '81' }).baseUrl, 'http://localhost:81');
});

test('empty values fall back to defaults', () => {
  const c = loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '' });
  assert.equal(c.port, 8080);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.logLevel, 'info');
});

test('invalid numbers are rejected with the variable name', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  assert.throws(() => loadConfig({ DB_POOL_SIZE: '-1' }), /DB_POOL_SIZE/);
  assert.throws(() => loadConfig({ BODY_LIMIT_BYTES: '1.5' }), /BODY_LIMIT_BYTES/);
  assert.throws(() => loadConfig({ HEAP_GROWTH_PERCENT: 'lots' }), /HEAP_GROWTH_PERCENT/);
  assert.throws(() => loadConfig({ GC_MARKING_THREADS: '-2' }), /GC_MARKING_THREADS/);
});
