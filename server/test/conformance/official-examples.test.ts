import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { R4_PACKAGE_DIR } from '../../src/fhir/definitions/index.js';
import { startTestServer, type FhirJson, type TestServer } from '../support/server.js';
import { loadExamples, type Example } from '../support/official-examples.js';
import { pool } from './pool.js';
import { withoutServerMeta } from './server-meta.js';

interface Rejection {
  /** Why the example is invalid R4, checked against the specification. */
  reason: string;
  /** The HTTP status the server answers with. */
  status: number;
}

const EXPECTED_REJECTIONS = JSON.parse(
  fs.readFileSync(new URL('./rejected-examples.json', import.meta.url), 'utf8'),
) as Record<string, Rejection>;

// Enough to keep both cores busy without the connection pool queueing.
const CONCURRENCY = 8;

interface Outcome {
  file: string;
  status: number;
  /** The server's OperationOutcome, condensed, when it rejected the example. */
  problems?: string[];
  /** The resource as read back, when accepted: parsed, and as the server wrote it. */
  readBack?: FhirJson;
  readBackText?: string;
}

function condense(outcome: FhirJson): string[] {
  const issues = (outcome?.issue ?? []) as FhirJson[];
  return issues.map((i) =>
    `${i.severity} ${i.code} ${(i.expression ?? []).join(',')} ${i.diagnostics ?? ''}`.trim(),
  );
}

async function roundTrip(server: TestServer, ex: Example): Promise<Outcome> {
  const put = await server.request('PUT', `/${ex.resourceType}/${encodeURIComponent(ex.id)}`, ex.text);
  if (put.status !== 200 && put.status !== 201)
    return { file: ex.file, status: put.status, problems: condense(put.body) };
  const got = await server.request('GET', `/${ex.resourceType}/${encodeURIComponent(ex.id)}`);
  assert.equal(got.status, 200, `${ex.file}: read back answered ${got.status}`);
  return { file: ex.file, status: put.status, readBack: got.body, readBackText: got.text };
}

describe('official R4 examples through the REST API', () => {
  let server: TestServer;
  const examples = loadExamples(R4_PACKAGE_DIR);
  let outcomes: Outcome[] = [];

  before(async () => {
    server = await startTestServer();
    outcomes = await pool(examples, CONCURRENCY, (ex) => roundTrip(server, ex));
    const rejected = outcomes.filter((o) => o.problems);
    console.log(
      `official examples: ${examples.length} found, ${examples.length - rejected.length} loaded, ${rejected.length} rejected`,
    );
  });

  after(async () => {
    await server?.close();
  });

  it('finds every non-conformance example of the package', () => {
    assert.ok(examples.length > 700, `${examples.length} examples`);
  });

  it('rejects exactly the examples listed in rejected-examples.json', () => {
    const unexpected = outcomes
      .filter((o) => o.problems && !(o.file in EXPECTED_REJECTIONS))
      .map((o) => ({ file: o.file, status: o.status, problems: o.problems }));
    const accepted = outcomes.filter((o) => !o.problems && o.file in EXPECTED_REJECTIONS).map((o) => o.file);
    assert.deepEqual(unexpected, [], 'valid examples the server rejected');
    assert.deepEqual(accepted, [], 'listed invalid examples the server accepted');
    for (const o of outcomes.filter((x) => x.problems)) {
      assert.equal(o.status, EXPECTED_REJECTIONS[o.file]?.status, `${o.file}: ${o.problems?.join('; ')}`);
    }
  });

  it('lists only real example files, each with a reason', () => {
    const files = new Set(examples.map((e) => e.file));
    for (const [file, r] of Object.entries(EXPECTED_REJECTIONS)) {
      assert.ok(files.has(file), `${file} is not an example of the package`);
      assert.ok(r.reason.length > 20, `${file} needs a reason`);
    }
  });

  it('reads every accepted example back unchanged, apart from versionId and lastUpdated', () => {
    const changed: string[] = [];
    for (const o of outcomes) {
      if (o.problems) continue;
      const ex = examples.find((e) => e.file === o.file);
      assert.ok(ex);
      try {
        assert.deepStrictEqual(withoutServerMeta(o.readBack), withoutServerMeta(JSON.parse(ex.text)));
      } catch (err) {
        changed.push(`${o.file}: ${(err as Error).message.slice(0, 2000)}`);
      }
    }
    assert.deepEqual(changed, []);
  });

  it('serves the server-owned meta on what it read back', () => {
    for (const o of outcomes) {
      if (o.problems) continue;
      assert.equal(o.readBack.meta?.versionId, '1', o.file);
      assert.ok(!Number.isNaN(Date.parse(o.readBack.meta?.lastUpdated)), o.file);
    }
  });

  it('keeps decimals exactly as written (precision is significant in FHIR)', () => {
    // JSON.parse on both sides hides 1.50 → 1.5; compare the number tokens of the texts instead.
    const changed: string[] = [];
    for (const o of outcomes) {
      if (o.problems) continue;
      const ex = examples.find((e) => e.file === o.file);
      assert.ok(ex);
      const want = numberTokens(ex.text);
      const got = numberTokens(o.readBackText ?? '');
      if (want.join(' ') !== got.join(' ')) changed.push(o.file);
    }
    assert.deepEqual(changed, [], 'examples whose decimals changed on the way through');
  });
});

/** The numbers of a JSON text as written, in order (strings removed first). */
function numberTokens(text: string): string[] {
  const noStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return noStrings.match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g) ?? [];
}
