import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';

describe('history', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => s.close());

  it('lists instance versions newest first with request and response', async () => {
    const created = (await s.request('POST', '/Practitioner', { resourceType: 'Practitioner', active: true }))
      .body;
    await s.request('PUT', `/Practitioner/${created.id}`, { ...created, active: false });
    await s.request('DELETE', `/Practitioner/${created.id}`);
    const res = await s.request('GET', `/Practitioner/${created.id}/_history`);
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'history');
    assert.equal(res.body.total, 3);
    assert.deepEqual(
      res.body.entry.map((e: { request: { method: string } }) => e.request.method),
      ['DELETE', 'PUT', 'POST'],
    );
    assert.equal(res.body.entry[1].resource.active, false);
    assert.equal(res.body.entry[2].response.etag, 'W/"1"');
    assert.equal((await s.request('GET', '/Practitioner/never/_history')).status, 404);
  });

  it('pages type and system history with _count and next links, honouring _since', async () => {
    const start = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        (await s.request('POST', '/Location', { resourceType: 'Location', name: `Room ${i}` })).body.id,
      );
    }
    const seen: string[] = [];
    let url: string | undefined = `/Location/_history?_count=3&_since=${encodeURIComponent(start)}`;
    let pages = 0;
    while (url) {
      const page = await s.request('GET', url);
      assert.equal(page.status, 200);
      pages++;
      // a write between pages must not shift later pages (it is newer than the first page)
      if (pages === 1) await s.request('POST', '/Location', { resourceType: 'Location', name: 'Late' });
      for (const e of page.body.entry) seen.push(e.resource.id);
      url = page.body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...ids].reverse());
    const system = await s.request('GET', `/_history?_since=${encodeURIComponent(start)}&_count=100`);
    assert.ok(system.body.entry.length >= 8);
  });
});
