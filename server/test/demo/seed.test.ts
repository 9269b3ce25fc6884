import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ReachResolver } from '../../src/auth/access/reach.js';
import { verifyPassword } from '../../src/auth/credentials/passwords.js';
import { ClientStore } from '../../src/auth/identity/client-store.js';
import { DEMO_PATIENT_BUNDLES } from '../../src/demo/patients/index.js';
import { describeDemoSeed, seedDemo, type DemoSeedResult } from '../../src/demo/seed.js';
import { definitions } from '../../src/fhir/definitions/index.js';
import { SearchParamRegistry } from '../../src/fhir/storage/search-param-registry.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import type { Database } from '../../src/platform/db/pool.js';
import { freePort } from '../../src/platform/net/free-port.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { scratchDatabase } from '../support/openvisit-cli.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { OAuthBrowser } from '../auth/support/oauth-client.js';

// As README.md documents them ("Demo sign-in"): written out here, so a change to the seed shows up.
const PASSWORD = 'OpenVisit-demo-2026!';
const ACCOUNTS: [username: string, role: string, fhirUserType: string | null][] = [
  ['admin@demo', 'tenant-admin', null],
  ['billing@demo', 'billing', null],
  ['caregiver@demo', 'caregiver', 'RelatedPerson'],
  ['clinician@demo', 'clinician', 'Practitioner'],
  ['frontdesk@demo', 'front-desk', null],
  ['nurse@demo', 'nurse', 'Practitioner'],
  ['ops@demo', 'operations', null],
  ['patient@demo', 'patient', 'Patient'],
];
const DEFAULT_PUBLIC_SCOPE =
  'openid fhirUser offline_access online_access launch launch/patient launch/encounter patient/*.cruds user/*.cruds';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const keyring = [{ id: 'seedtest', key: crypto.randomBytes(32) }];
const envelope = new Envelope(keyring);
const opts = (tenantSlug: string) => ({
  baseUrl: 'http://localhost:8080',
  fhirBaseUrl: 'http://localhost:8080/fhir/R4',
  tenantSlug,
});

type AccountRow = {
  id: string;
  username: string;
  roles: string[];
  fhir_user: string | null;
  password_hash: string;
};

async function accountsOf(db: Database, tenantId: number): Promise<AccountRow[]> {
  const res = await db.query<AccountRow>(
    tenantId,
    'SELECT id, username, roles, fhir_user, password_hash FROM auth_account WHERE tenant_id = $1 ORDER BY username',
    [tenantId],
  );
  return res.rows;
}

async function resourceCounts(db: Database, tenantId: number): Promise<Record<string, number>> {
  const res = await db.query<{ res_type: string; n: string }>(
    tenantId,
    `SELECT res_type, count(*) AS n FROM resource WHERE tenant_id = $1 AND NOT deleted GROUP BY res_type`,
    [tenantId],
  );
  return Object.fromEntries(res.rows.map((r) => [r.res_type, Number(r.n)]));
}

async function resource(db: Database, tenantId: number, reference: string): Promise<Record<string, unknown>> {
  const [type, id] = reference.split('/');
  const res = await db.query<{ content: string }>(
    tenantId,
    'SELECT content FROM resource WHERE tenant_id = $1 AND res_type = $2 AND id = $3 AND NOT deleted',
    [tenantId, type, id],
  );
  assert.ok(res.rows[0], `${reference} exists`);
  return JSON.parse(res.rows[0].content) as Record<string, unknown>;
}

/**
 * What the demo data set holds, counted from its Bundles, plus the seed's own care-team resources and
 * what their visits recorded: a note per visit; the first patient's allergy, medicine and care plan.
 */
function expectedCounts(): Record<string, number> {
  const counts: Record<string, number> = {
    Practitioner: 2,
    RelatedPerson: 1,
    Encounter: 3,
    DocumentReference: 3,
    AllergyIntolerance: 1,
    MedicationRequest: 1,
    CarePlan: 1,
    // The scheduling configuration's FHIR records: a service per line, a role and schedule each.
    HealthcareService: 2,
    PractitionerRole: 2,
    Schedule: 2,
  };
  for (const b of DEMO_PATIENT_BUNDLES)
    for (const e of b.entry) counts[e.resource.resourceType] = (counts[e.resource.resourceType] ?? 0) + 1;
  return counts;
}

describe('demo seed', () => {
  let t: TestDatabase;
  let seeded: DemoSeedResult;

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => t?.close());

  it('the demo data set is three small Synthea patients with the clinical types the demo needs', () => {
    assert.equal(DEMO_PATIENT_BUNDLES.length, 3);
    for (const b of DEMO_PATIENT_BUNDLES) {
      assert.equal(b.entry.filter((e) => e.resource.resourceType === 'Patient').length, 1);
      assert.ok(JSON.stringify(b).length < 300_000);
      assert.ok(!b.entry.some((e) => e.resource.resourceType === 'Claim'));
    }
    const counts = expectedCounts();
    for (const type of [
      'Condition',
      'MedicationRequest',
      'Immunization',
      'Observation',
      'DiagnosticReport',
      'Organization',
    ])
      assert.ok((counts[type] ?? 0) > 0, type);
  });

  it('creates exactly the documented accounts, the FHIR data and the web client', async () => {
    const result = await seedDemo(t.db, envelope, opts('tenant-a'));
    assert.ok(result);
    seeded = result;
    assert.equal(result.tenantId, t.tenantA);
    assert.equal(result.patients.length, 3);

    const rows = await accountsOf(t.db, t.tenantA);
    assert.deepEqual(
      rows.map((r) => [r.username, r.roles.join(','), r.fhir_user?.split('/')[0] ?? null]),
      ACCOUNTS,
    );
    for (const r of rows) assert.equal(await verifyPassword(r.password_hash, PASSWORD), true, r.username);
    const byName = new Map(rows.map((r) => [r.username, r]));
    const [p1, p2] = result.patients;
    assert.ok(p1 && p2);
    assert.equal(byName.get('patient@demo')?.fhir_user, `Patient/${p1.id}`);

    const caregiver = await resource(t.db, t.tenantA, byName.get('caregiver@demo')?.fhir_user ?? '');
    assert.equal(caregiver.resourceType, 'RelatedPerson');
    assert.deepEqual(caregiver.patient, { reference: `Patient/${p2.id}` });
    const clinician = await resource(t.db, t.tenantA, byName.get('clinician@demo')?.fhir_user ?? '');
    assert.equal((clinician.name as { text: string }[])[0]?.text, 'Dr. Demo');
    const nurse = await resource(t.db, t.tenantA, byName.get('nurse@demo')?.fhir_user ?? '');
    assert.equal((nurse.name as { text: string }[])[0]?.text, 'Nurse Demo');
    assert.notEqual(byName.get('nurse@demo')?.fhir_user, byName.get('clinician@demo')?.fhir_user);
    const patient = await resource(t.db, t.tenantA, `Patient/${p1.id}`);
    assert.equal(patient.resourceType, 'Patient');

    assert.deepEqual(await resourceCounts(t.db, t.tenantA), expectedCounts());
    // Bookable from the first start: the demo's visit types and the two clinicians' hours.
    const scheduling = await t.db.query<{ types: string; clinicians: string }>(
      t.tenantA,
      `SELECT (SELECT count(*) FROM sched_visit_type WHERE tenant_id = $1) AS types,
              (SELECT count(*) FROM sched_clinician WHERE tenant_id = $1) AS clinicians`,
      [t.tenantA],
    );
    assert.deepEqual(scheduling.rows[0], { types: '4', clinicians: '2' });
    // Synthea's conditional and urn:uuid references were resolved to stored resources.
    const refs = await t.db.query<{ n: string }>(
      t.tenantA,
      `SELECT count(*) AS n FROM resource WHERE tenant_id = $1 AND content LIKE '%"reference":"urn:uuid:%'`,
      [t.tenantA],
    );
    assert.equal(Number(refs.rows[0]?.n), 0);

    const client = await new ClientStore(t.db, envelope).find('openvisit-web');
    assert.ok(client);
    assert.equal(client.tenantId, t.tenantA);
    assert.equal(client.kind, 'public');
    assert.equal(client.scope, DEFAULT_PUBLIC_SCOPE);
    assert.deepEqual(client.metadata.redirect_uris, [
      'http://localhost:8080/app/callback',
      'http://localhost:8080/app/silent-callback',
    ]);
    assert.equal(client.metadata.token_endpoint_auth_method, 'none');
    assert.equal(result.clientId, 'openvisit-web');
  });

  it('gives the clinician and the nurse care relationships, the caregiver a dependent', async () => {
    const registry = await SearchParamRegistry.load(t.db, definitions());
    const reach = new ReachResolver(t.db, registry);
    const [p1, p2, p3] = seeded.patients.map((p) => p.id);
    const rows = new Map((await accountsOf(t.db, t.tenantA)).map((r) => [r.username, r]));
    const patientsOf = async (username: string, kind: 'own' | 'dependents' | 'care') => {
      const account = rows.get(username);
      assert.ok(account, username);
      const reached = await reach.resolve(t.tenantA, account.id, kind, account.fhir_user ?? undefined);
      return [...reached.patients].sort().join(',');
    };
    assert.equal(await patientsOf('clinician@demo', 'care'), [p1, p2].sort().join(','));
    assert.equal(await patientsOf('nurse@demo', 'care'), p1);
    assert.equal(await patientsOf('caregiver@demo', 'dependents'), p2);
    assert.equal(await patientsOf('patient@demo', 'own'), p1);
    assert.ok(p3 && !(await patientsOf('clinician@demo', 'care')).includes(p3));

    // The same link, straight from the reference index: Encounters whose participant is Dr. Demo.
    const direct = await t.db.query<{ target_id: string }>(
      t.tenantA,
      `SELECT DISTINCT p.target_id FROM idx_reference a
       JOIN idx_reference p ON p.tenant_id = a.tenant_id AND p.rid = a.rid AND p.param_id = $3
         AND p.target_type = 'Patient'
       WHERE a.tenant_id = $1 AND a.param_id = $2 AND a.target_type = 'Practitioner' AND a.target_id = $4`,
      [
        t.tenantA,
        registry.id('Encounter', 'participant'),
        registry.id('Encounter', 'subject'),
        seeded.clinicianPractitioner,
      ],
    );
    assert.deepEqual(direct.rows.map((r) => r.target_id).sort(), [p1, p2].sort());
  });

  it('seeds nothing the second time', async () => {
    const before = await resourceCounts(t.db, t.tenantA);
    assert.equal(await seedDemo(t.db, envelope, opts('tenant-a')), null);
    assert.deepEqual(await resourceCounts(t.db, t.tenantA), before);
    assert.equal((await accountsOf(t.db, t.tenantA)).length, ACCOUNTS.length);
  });

  it('of two seeds starting at once, one seeds and the other waits and finds it done', async () => {
    const results = await Promise.all([
      seedDemo(t.db, envelope, opts('tenant-b')),
      seedDemo(t.db, envelope, opts('tenant-b')),
    ]);
    assert.equal(results.filter((r) => r !== null).length, 1);
    assert.equal((await accountsOf(t.db, t.tenantB)).length, ACCOUNTS.length);
    const counts = await resourceCounts(t.db, t.tenantB);
    assert.equal(counts.Patient, 3);
    assert.deepEqual(counts, expectedCounts());
    // The web client is the first tenant's: not registered twice, not moved.
    const done = results.find((r) => r !== null);
    assert.equal(done?.clientId, null);
    assert.equal((await new ClientStore(t.db, envelope).find('openvisit-web'))?.tenantId, t.tenantA);
  });

  it('says who to sign in as, never the password', () => {
    const text = describeDemoSeed(seeded);
    assert.match(text, /Demo tenant seeded/);
    assert.match(text, /clinician@demo/);
    assert.match(text, /TOTP/);
    assert.ok(!text.includes(PASSWORD));
  });
});

describe('openvisit start seeds the demo tenant', () => {
  let t: TestDatabase;
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let url: string;
  let dataDir: string;

  before(async () => {
    t = await createTestDatabase();
    scratch = await scratchDatabase(t.url, 'ov_seed');
    url = scratch.url;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-seed-'));
  });
  after(async () => {
    await scratch.drop();
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the real server, waits until it is serving, stops it with SIGTERM; its output and exit code. */
  async function startAndStop(
    env: Record<string, string>,
  ): Promise<{ code: number | null; out: string; err: string }> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(serverDir, 'src', 'main.ts'), 'start'],
      {
        env: {
          ...process.env,
          DATABASE_URL: url,
          HOST: '127.0.0.1',
          PORT: String(port),
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          OPENVISIT_MASTER_KEYS: `seedtest:${keyring[0]?.key.toString('base64')}`,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Press Ctrl-C to stop.')) resolve();
      });
      void exited.then(() => resolve());
    });
    child.kill('SIGTERM');
    const code = await exited;
    clearTimeout(timer);
    return { code, out, err };
  }

  it('two servers starting at once seed once; OPENVISIT_DEMO=off seeds nothing', async () => {
    const [a, b, off] = await Promise.all([
      startAndStop({}),
      startAndStop({}),
      startAndStop({ OPENVISIT_TENANT: 'no-demo', OPENVISIT_DEMO: 'off' }),
    ]);
    for (const r of [a, b, off]) {
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /OpenVisit is running/);
      assert.ok(!r.out.includes(PASSWORD) && !r.err.includes(PASSWORD));
    }
    const seededBy = [a, b].filter((r) => r.out.includes('Demo tenant seeded'));
    assert.equal(seededBy.length, 1, `${a.out}\n${b.out}`);
    assert.match(seededBy[0]?.out ?? '', /sign in as clinician@demo/);
    assert.doesNotMatch(off.out, /Demo tenant/);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const accounts = await client.query<{ slug: string; n: string }>(
        `SELECT t.slug, count(a.id) AS n FROM tenant t LEFT JOIN auth_account a ON a.tenant_id = t.id
         GROUP BY t.slug ORDER BY t.slug`,
      );
      assert.deepEqual(
        accounts.rows.map((r) => [r.slug, Number(r.n)]),
        [
          ['default', ACCOUNTS.length],
          ['no-demo', 0],
        ],
      );
      const patients = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM resource r JOIN tenant t ON t.id = r.tenant_id
         WHERE t.slug = 'default' AND r.res_type = 'Patient'`,
      );
      assert.equal(Number(patients.rows[0]?.n), 3);
    } finally {
      await client.end();
    }
  });
});

describe('the demo accounts sign in through the web client', () => {
  let s: TestServer;
  let base: string;
  let seeded: DemoSeedResult | null;

  before(async () => {
    s = await startTestServer({ security: { mode: 'secured', keyring } });
    base = s.fhir.replace(/\/fhir\/R4$/, '');
    seeded = await seedDemo(s.tdb.db, envelope, {
      baseUrl: base,
      fhirBaseUrl: s.fhir,
      tenantSlug: 'tenant-a',
    });
  });
  after(async () => s?.close());

  const signIn = async (username: string, scope: string) => {
    const result = await new OAuthBrowser(base).signIn({
      clientId: 'openvisit-web',
      redirectUri: `${base}/app/callback`,
      scope,
      username,
      password: PASSWORD,
      aud: s.fhir,
    });
    assert.ok(result.tokens, `${username}: ${result.error}`);
    return result;
  };

  it('the patient gets their own record; the clinician, after enrolling TOTP, sees their patients only', async () => {
    assert.ok(seeded);
    const [p1, p2] = seeded.patients.map((p) => p.id);
    const patient = await signIn('patient@demo', 'openid fhirUser launch/patient patient/*.rs');
    assert.equal(patient.tokens?.patient, p1);
    assert.equal(patient.mfaSecret, undefined, 'patients are not made to enrol a second factor');

    const clinician = await signIn('clinician@demo', 'openid fhirUser user/*.rs');
    assert.ok(clinician.mfaSecret, 'staff enrol an authenticator at the first sign-in');
    const res = await s.request('GET', '/Patient', undefined, {
      authorization: `Bearer ${clinician.tokens?.access_token ?? ''}`,
    });
    assert.equal(res.status, 200, res.text);
    const ids = ((res.body.entry ?? []) as { resource: { id: string } }[]).map((e) => e.resource.id).sort();
    assert.deepEqual(ids, [p1, p2].sort());
  });
});
