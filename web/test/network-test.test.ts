import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/api/api-error.js';
import {
  authFetch,
  DIRECTION_BUDGET_MS,
  FIRST_KB,
  MAX_KB,
  measureNetwork,
  median,
  nextSizeKb,
  rateKbps,
  uploadBody,
  type AuthFetch,
} from '../src/api/network-test.js';

/**
 * A simulated link on a fake clock: each request takes one round trip plus its bytes at the link's
 * rate. Only the arithmetic of the measurement is under test here; the routes it talks to are
 * tested against Fastify in server/test/visits/checkin-network-test.test.ts.
 */
function link(opts: {
  downKbps: number;
  upKbps: number;
  rttMs: number;
  pingMs?: number[];
  fail?: (path: string) => Response | 'throw' | undefined;
}) {
  let clock = 0;
  let pings = 0;
  const log: string[] = [];
  const fetch: AuthFetch = async (path, init = {}) => {
    log.push(`${init.method ?? 'GET'} ${path}`);
    assert.equal(init.cache, 'no-store');
    const failure = opts.fail?.(path);
    if (failure === 'throw') throw new TypeError('Failed to fetch');
    if (failure) return failure;
    if (path.endsWith('/ping')) {
      clock += opts.pingMs?.[pings++] ?? opts.rttMs;
      return new Response(null, { status: 204 });
    }
    const kb = /download\?kb=(\d+)$/.exec(path)?.[1];
    if (kb) {
      const bytes = Number(kb) * 1024;
      clock += opts.rttMs + (bytes * 8) / opts.downKbps;
      return new Response(new Uint8Array(bytes), { status: 200 });
    }
    if (path.endsWith('/upload')) {
      assert.equal(init.method, 'POST');
      assert.deepEqual(init.headers, { 'content-type': 'application/octet-stream' });
      const bytes = (init.body as Uint8Array).byteLength;
      clock += opts.rttMs + (bytes * 8) / opts.upKbps;
      return Response.json({ bytes });
    }
    return new Response(null, { status: 404 });
  };
  /** The sizes of the downloads asked for, in KiB, in order. */
  const downloadSizes = () => log.filter((l) => l.includes('download')).map((l) => Number(l.split('kb=')[1]));
  return { fetch, now: () => clock, log, downloadSizes };
}

describe('the measurement arithmetic', () => {
  it('median of odd and even lists, unsorted', () => {
    assert.equal(median([90, 20, 40, 30, 500]), 40);
    assert.equal(median([10, 40, 20, 30]), 25);
    assert.equal(median([7]), 7);
  });

  it('kbit/s are bits per millisecond, with the round trip taken off but at most half the time', () => {
    assert.equal(rateKbps(125_000, 1000, 0), 1000);
    assert.equal(rateKbps(125_000, 1100, 100), 1000);
    // A round trip longer than half the transfer is noise: half the time is kept.
    assert.equal(rateKbps(125_000, 1000, 900), 2000);
    assert.equal(rateKbps(1, 0, 0), 8);
  });

  it('grows ×4 until a transfer is long enough, up to 4 MiB and within the budget', () => {
    assert.equal(nextSizeKb(16, 50, 50, 20), 64);
    assert.equal(nextSizeKb(16, 400, 400, 20), null);
    // Two round trips at least, so that taking one off is exact.
    assert.equal(nextSizeKb(16, 900, 900, 500), 64);
    assert.equal(nextSizeKb(16, 1000, 1000, 500), null);
    assert.equal(nextSizeKb(2048, 100, 500, 20), MAX_KB);
    assert.equal(nextSizeKb(MAX_KB, 100, 500, 20), null);
    assert.equal(nextSizeKb(64, 100, DIRECTION_BUDGET_MS, 20), null);
  });

  it('upload bodies are random bytes of the size asked, beyond one getRandomValues call', () => {
    const body = uploadBody(200_000);
    assert.equal(body.byteLength, 200_000);
    const tail = body.subarray(150_000);
    assert.ok(new Set(tail).size > 200, 'the tail is filled too');
  });
});

describe('measureNetwork', () => {
  it('a broadband link: each rate exactly, the median ping, sizes growing to a long enough transfer', async () => {
    const l = link({ downKbps: 50_000, upKbps: 10_000, rttMs: 30, pingMs: [120, 29, 30, 28, 500] });
    const phases: string[] = [];
    const r = await measureNetwork(l.fetch, { now: l.now, onPhase: (p) => phases.push(p) });
    assert.deepEqual(r, { downloadKbps: 50_000, uploadKbps: 10_000, rttMs: 30 });
    assert.deepEqual(phases, ['ping', 'download', 'upload']);
    assert.equal(l.log.filter((x) => x.endsWith('/ping')).length, 5);
    assert.ok(l.log.every((x) => x.includes(' /api/visits/network-test/')));
    // 4 MiB at 50 Mbit/s is 671 ms: the first transfer that lasts 400 ms.
    assert.deepEqual(l.downloadSizes(), [16, 64, 256, 1024, 4096]);
    // 1 MiB at 10 Mbit/s is 839 ms.
    assert.equal(l.log.filter((x) => x.startsWith('POST')).length, 4);
  });

  it('a slow, distant link: small transfers, still measured right', async () => {
    const l = link({ downKbps: 300, upKbps: 80, rttMs: 600 });
    const r = await measureNetwork(l.fetch, { now: l.now });
    assert.deepEqual(r, { downloadKbps: 300, uploadKbps: 80, rttMs: 600 });
    // 16 KiB took 1,037 ms, less than two round trips: one more, at 64 KiB.
    assert.deepEqual(l.downloadSizes(), [FIRST_KB, 64]);
    assert.equal(l.log.filter((x) => x.startsWith('POST')).length, 1);
  });

  it('stops growing when the budget is spent, and reports the last transfer', async () => {
    const l = link({ downKbps: 1000, upKbps: 1000, rttMs: 3000 });
    const r = await measureNetwork(l.fetch, { now: l.now });
    assert.deepEqual(l.downloadSizes(), [16, 64, 256]);
    // 256 KiB: 2,097 ms of transfer in 5,097 ms; half the time is kept.
    assert.equal(r.downloadKbps, Math.round((256 * 1024 * 8) / (5097.152 / 2)));
  });

  it('a failed part is null, the others are measured', async () => {
    const l = link({
      downKbps: 2000,
      upKbps: 1000,
      rttMs: 50,
      fail: (p) => (p.includes('upload') ? new Response(null, { status: 500 }) : undefined),
    });
    assert.deepEqual(await measureNetwork(l.fetch, { now: l.now }), {
      downloadKbps: 2000,
      uploadKbps: null,
      rttMs: 50,
    });
    const offline = link({ downKbps: 1, upKbps: 1, rttMs: 1, fail: () => 'throw' });
    assert.deepEqual(await measureNetwork(offline.fetch, { now: offline.now }), {
      downloadKbps: null,
      uploadKbps: null,
      rttMs: null,
    });
  });

  it('an upload answer without a byte count is a failed upload', async () => {
    const l = link({
      downKbps: 2000,
      upKbps: 1000,
      rttMs: 50,
      fail: (p) => (p.includes('upload') ? Response.json({ ok: true }) : undefined),
    });
    assert.equal((await measureNetwork(l.fetch, { now: l.now })).uploadKbps, null);
  });

  it('a request that never answers times out as a failure', async () => {
    const hang: AuthFetch = (_path, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    assert.deepEqual(await measureNetwork(hang, { requestTimeoutMs: 5 }), {
      downloadKbps: null,
      uploadKbps: null,
      rttMs: null,
    });
  });

  it('stopped before it starts, nothing is requested', async () => {
    const l = link({ downKbps: 1000, upKbps: 1000, rttMs: 10 });
    const r = await measureNetwork(l.fetch, { now: l.now, signal: AbortSignal.abort() });
    assert.deepEqual(r, { downloadKbps: null, uploadKbps: null, rttMs: null });
    assert.deepEqual(l.log, []);
  });

  it('a session that has ended is not a slow network: it is thrown', async () => {
    const l = link({
      downKbps: 1000,
      upKbps: 1000,
      rttMs: 10,
      fail: () => new Response(null, { status: 401 }),
    });
    await assert.rejects(
      measureNetwork(l.fetch, { now: l.now }),
      (e) => e instanceof ApiError && e.kind === 'session-expired',
    );
  });
});

describe('authFetch', () => {
  it('sends the bearer token, and renews it once when refused', async () => {
    const seen: string[] = [];
    let renewals = 0;
    const f = authFetch(
      { token: async () => 'old', renew: async () => (renewals++, 'new') },
      async (_url, init) => {
        const auth = (init?.headers as Record<string, string>).authorization ?? '';
        seen.push(auth);
        return new Response(null, { status: auth === 'Bearer new' ? 204 : 401 });
      },
    );
    const res = await f('/api/visits/network-test/ping', { headers: { accept: '*/*' } });
    assert.equal(res.status, 204);
    assert.deepEqual(seen, ['Bearer old', 'Bearer new']);
    assert.equal(renewals, 1);
  });

  it('without a session, nothing is sent', async () => {
    let sent = 0;
    const f = authFetch({ token: async () => null, renew: async () => null }, async () => {
      sent++;
      return new Response(null);
    });
    await assert.rejects(
      f('/api/visits/network-test/ping'),
      (e) => e instanceof ApiError && e.kind === 'session-expired',
    );
    assert.equal(sent, 0);
  });
});
