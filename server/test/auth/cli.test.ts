import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../src/auth/credentials/passwords.js';
import { FederationStore } from '../../src/auth/federation/federation-store.js';
import { ClientStore } from '../../src/auth/identity/client-store.js';
import { RETIRED_KEY_GRACE_SECONDS, SigningKeys } from '../../src/auth/identity/signing-keys.js';
import { run } from '../../src/main.js';
import { Envelope } from '../../src/platform/crypto/envelope.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runOpenVisit } from '../support/openvisit-cli.js';
import { startUpstreamIdp, type UpstreamIdp } from './federation/upstream-idp.js';

const keyring = [{ id: 'clitest', key: crypto.randomBytes(32) }];
const envelope = new Envelope(keyring);
const MASTER_KEYS = `clitest:${keyring[0]?.key.toString('base64')}`;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let t: TestDatabase;
let dataDir: string;

before(async () => {
  t = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-cli-'));
});
after(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Result {
  code: number;
  out: string;
  err: string;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: t.url,
    DATA_DIR: dataDir,
    OPENVISIT_MASTER_KEYS: MASTER_KEYS,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** `openvisit <args>` in this process (main.ts's run), standard input from `stdin`. */
async function cli(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Result> {
  let out = '';
  let err = '';
  const code = await run(args, {
    out: (text) => (out += text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => (err += text.endsWith('\n') ? text : `${text}\n`),
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    env: env(opts.env),
  });
  return { code, out, err };
}

/** The real command in its own process, standard input piped. */
const spawnCli = (args: string[], stdin = '') => runOpenVisit(args, { env: env(), stdin });

async function account(tenantId: number, username: string) {
  const res = await t.db.query<{
    id: string;
    roles: string[];
    fhir_user: string | null;
    password_hash: string;
  }>(
    tenantId,
    'SELECT id, roles, fhir_user, password_hash FROM auth_account WHERE tenant_id = $1 AND username = $2',
    [tenantId, username],
  );
  return res.rows[0];
}

/** A usage error: exit 2, the reason and the command's usage on standard error, nothing on standard output. */
function assertUsage(r: Result, reason: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, reason);
  assert.match(r.err, /Usage: openvisit /);
  assert.equal(r.out, '');
}

/** A failure: exit 1 and one line saying why, no stack trace. */
function assertFailure(r: Result, reason: RegExp): void {
  assert.equal(r.code, 1, r.err || r.out);
  assert.match(r.err, reason);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.doesNotMatch(r.err, /\n\s+at /);
}

describe('openvisit tenant create', () => {
  it('creates the tenant and its sign-in policy and prints the id', async () => {
    const r = await cli([
      'tenant',
      'create',
      'riverside',
      '--name',
      'Riverside Clinic',
      '--idle-timeout',
      '600',
      '--session-lifetime',
      '3600',
    ]);
    assert.equal(r.code, 0, r.err);
    const id = Number(/Tenant created: riverside \(id (\d+)\)/.exec(r.out)?.[1]);
    const tenant = await t.db.global<{ id: number; name: string }>(
      'SELECT id, name FROM tenant WHERE slug = $1',
      ['riverside'],
    );
    assert.equal(tenant.rows[0]?.id, id);
    assert.equal(tenant.rows[0]?.name, 'Riverside Clinic');
    const policy = await t.db.query<{ idle: number; life: number }>(
      id,
      'SELECT idle_timeout_seconds AS idle, session_lifetime_seconds AS life FROM auth_tenant_policy WHERE tenant_id = $1',
      [id],
    );
    assert.deepEqual(policy.rows[0], { idle: 600, life: 3600 });
  });

  it('uses the default policy and the slug as name', async () => {
    const r = await cli(['tenant', 'create', 'lakeside']);
    assert.equal(r.code, 0, r.err);
    const id = Number(/\(id (\d+)\)/.exec(r.out)?.[1]);
    const policy = await t.db.query<{ idle: number; life: number }>(
      id,
      'SELECT idle_timeout_seconds AS idle, session_lifetime_seconds AS life FROM auth_tenant_policy WHERE tenant_id = $1',
      [id],
    );
    assert.deepEqual(policy.rows[0], { idle: 900, life: 43_200 });
  });

  it('refuses an existing tenant', async () => {
    assertFailure(await cli(['tenant', 'create', 'tenant-a']), /tenant "tenant-a" already exists/);
  });

  it('usage errors exit 2', async () => {
    assertUsage(await cli(['tenant', 'create']), /slug is missing/);
    assertUsage(await cli(['tenant', 'create', 'Not_A_Slug']), /tenant slug is/);
    assertUsage(await cli(['tenant', 'create', 'x1', '--idle-timeout', '10']), /--idle-timeout must be/);
    assertUsage(await cli(['tenant', 'create', 'x2', '--idle-timeout', 'soon']), /--idle-timeout must be/);
    assertUsage(
      await cli(['tenant', 'create', 'x3', '--idle-timeout', '7200', '--session-lifetime', '3600']),
      /cannot be longer/,
    );
    assertUsage(await cli(['tenant', 'create', 'x4', '--colour', 'blue']), /Unknown option '--colour'/);
    const none = await t.db.global<{ n: string }>(`SELECT count(*) AS n FROM tenant WHERE slug LIKE 'x_'`);
    assert.equal(Number(none.rows[0]?.n), 0);
  });
});

describe('openvisit user create', () => {
  it('generates a strong password, prints it once with the account id, and says staff enrol TOTP', async () => {
    const r = await cli([
      'user',
      'create',
      '--tenant',
      'tenant-a',
      '--username',
      'Alice@Clinic',
      '--role',
      'clinician',
      '--fhir-user',
      'Practitioner/abc',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const id = new RegExp(`id\\s+(${UUID.source})`).exec(r.out)?.[1];
    const password = /password\s+(\S+)/.exec(r.out)?.[1] ?? '';
    assert.ok(password.length >= 20, r.out);
    assert.equal(r.out.split(password).length, 2, 'the generated password is printed exactly once');
    assert.match(r.out, /authenticator app \(TOTP\) is enrolled at the first sign-in/);
    assert.match(r.out, /Practitioner\/abc does not exist in tenant tenant-a/);
    const row = await account(t.tenantA, 'alice@clinic');
    assert.ok(row);
    assert.equal(row.id, id);
    assert.deepEqual(row.roles, ['clinician']);
    assert.equal(row.fhir_user, 'Practitioner/abc');
    assert.equal(await verifyPassword(row.password_hash, password), true);
  });

  it('reads the password from standard input and never prints it', async () => {
    const password = 'a quiet lake at dawn 7';
    const r = await cli(
      [
        'user',
        'create',
        '--tenant',
        'tenant-a',
        '--username',
        'bob',
        '--role',
        'patient',
        '--password-stdin',
      ],
      { stdin: `${password}\nsecond line ignored\n` },
    );
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.out.includes(password) && !r.err.includes(password));
    assert.doesNotMatch(r.out, /TOTP/);
    assert.match(r.out, /without --fhir-user Patient\/<id>/);
    const row = await account(t.tenantA, 'bob');
    assert.ok(row);
    assert.equal(await verifyPassword(row.password_hash, password), true);
    assert.match(r.out, new RegExp(row.id));
  });

  it('takes several roles, comma-separated or repeated', async () => {
    const r = await cli([
      'user',
      'create',
      '--tenant',
      'tenant-b',
      '--username',
      'dana',
      '--role',
      'front-desk,billing',
      '--role',
      'operations',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((await account(t.tenantB, 'dana'))?.roles, ['front-desk', 'billing', 'operations']);
  });

  it('rejects an unknown role, naming it and the roles there are', async () => {
    const r = await cli([
      'user',
      'create',
      '--tenant',
      'tenant-a',
      '--username',
      'eve',
      '--role',
      'nurse,doctor',
    ]);
    assertFailure(r, /unknown role "doctor"; the roles are patient, caregiver, clinician/);
    assert.equal(await account(t.tenantA, 'eve'), undefined);
  });

  it('rejects a weak password with the policy violations, without echoing it', async () => {
    for (const [password, violation] of [
      ['short1', /too-short \(fewer than 12 characters\)/],
      ['password1234', /common/],
      ['frank-frank-frank', /contains-username/],
    ] as const) {
      const r = await cli(
        [
          'user',
          'create',
          '--tenant',
          'tenant-a',
          '--username',
          'frank',
          '--role',
          'patient',
          '--password-stdin',
        ],
        { stdin: `${password}\n` },
      );
      assertFailure(r, /password rejected: /);
      assert.match(r.err, violation);
      assert.ok(!r.err.includes(password) && !r.out.includes(password));
    }
    assert.equal(await account(t.tenantA, 'frank'), undefined);
  });

  it('rejects a duplicate username', async () => {
    const args = ['user', 'create', '--tenant', 'tenant-a', '--username', 'carol', '--role', 'nurse'];
    assert.equal((await cli(args)).code, 0);
    const again = await cli(args);
    assertFailure(again, /an account "carol" already exists in tenant tenant-a/);
    assert.doesNotMatch(again.out, /password/);
  });

  it('rejects an unknown tenant and a malformed fhirUser', async () => {
    assertFailure(
      await cli(['user', 'create', '--tenant', 'nowhere', '--username', 'gil', '--role', 'patient']),
      /no tenant "nowhere" \(create it: openvisit tenant create nowhere\)/,
    );
    assertFailure(
      await cli([
        'user',
        'create',
        '--tenant',
        'tenant-a',
        '--username',
        'gil',
        '--role',
        'patient',
        '--fhir-user',
        'Observation/1',
      ]),
      /--fhir-user must be Patient\/<id>/,
    );
    assert.equal(await account(t.tenantA, 'gil'), undefined);
  });

  it('usage errors exit 2', async () => {
    assertUsage(await cli(['user', 'create', '--tenant', 'tenant-a', '--role', 'patient']), /--username/);
    assertUsage(await cli(['user', 'create', '--tenant', 'tenant-a', '--username', 'hal']), /--role/);
    assertUsage(await cli(['user', 'create', '--username', 'hal', '--role', 'patient']), /--tenant/);
    assertUsage(
      await cli([
        'user',
        'create',
        '--tenant',
        'tenant-a',
        '--username',
        'hal',
        '--role',
        'patient',
        '--password',
        'x',
      ]),
      /Unknown option '--password'/,
    );
    assertUsage(
      await cli(
        [
          'user',
          'create',
          '--tenant',
          'tenant-a',
          '--username',
          'hal',
          '--role',
          'patient',
          '--password-stdin',
        ],
        {
          stdin: '',
        },
      ),
      /standard input held no password/,
    );
    assert.equal(await account(t.tenantA, 'hal'), undefined);
  });
});

describe('openvisit client create', () => {
  const clients = () => new ClientStore(t.db, envelope);
  const DEFAULT_SCOPE =
    'openid fhirUser offline_access online_access launch launch/patient launch/encounter patient/*.cruds user/*.cruds';

  it('registers a public app with the default scope and every redirect URI', async () => {
    const r = await cli([
      'client',
      'create',
      '--tenant',
      'tenant-a',
      '--kind',
      'public',
      '--name',
      'Patient app',
      '--redirect-uri',
      'https://app.example/callback',
      '--redirect-uri',
      'http://localhost:3000/callback',
    ]);
    assert.equal(r.code, 0, r.err);
    const clientId = /client_id\s+(\S+)/.exec(r.out)?.[1] ?? '';
    assert.doesNotMatch(r.out, /client_secret/);
    const c = await clients().find(clientId);
    assert.ok(c);
    assert.equal(c.tenantId, t.tenantA);
    assert.equal(c.kind, 'public');
    assert.equal(c.scope, DEFAULT_SCOPE);
    assert.deepEqual(c.metadata.redirect_uris, [
      'https://app.example/callback',
      'http://localhost:3000/callback',
    ]);
    assert.equal(c.metadata.token_endpoint_auth_method, 'none');
  });

  it('prints a confidential client its secret once, under the client id asked for', async () => {
    const r = await cli([
      'client',
      'create',
      '--tenant',
      'tenant-b',
      '--kind',
      'confidential',
      '--name',
      'EHR',
      '--client-id',
      'ehr-app',
      '--redirect-uri',
      'https://ehr.example/cb',
      '--scope',
      'openid fhirUser user/*.rs',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /client_id\s+ehr-app/);
    const secret = /client_secret\s+(\S+)/.exec(r.out)?.[1] ?? '';
    assert.ok(secret.length >= 40);
    assert.equal(r.out.split(secret).length, 2);
    const c = await clients().find('ehr-app');
    assert.equal(c?.tenantId, t.tenantB);
    assert.equal(c?.scope, 'openid fhirUser user/*.rs');
    assert.equal(c?.metadata.client_secret, secret);
    assert.equal(c?.metadata.token_endpoint_auth_method, 'client_secret_basic');

    assertFailure(
      await cli([
        'client',
        'create',
        '--tenant',
        'tenant-a',
        '--kind',
        'public',
        '--name',
        'Again',
        '--client-id',
        'ehr-app',
        '--redirect-uri',
        'https://x.example/cb',
      ]),
      /client_id "ehr-app" is already registered/,
    );
    assert.equal((await clients().find('ehr-app'))?.tenantId, t.tenantB);
  });

  it('registers a backend service with its public keys and system/*.rs by default', async () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const file = path.join(dataDir, 'jwks.json');
    fs.writeFileSync(file, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }));
    const r = await cli([
      'client',
      'create',
      '--tenant',
      'tenant-a',
      '--kind',
      'backend',
      '--name',
      'Nightly export',
      '--jwks-file',
      file,
    ]);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /client_secret/);
    const c = await clients().find(/client_id\s+(\S+)/.exec(r.out)?.[1] ?? '');
    assert.equal(c?.kind, 'backend');
    assert.equal(c?.scope, 'system/*.rs');
    assert.equal(c?.metadata.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal((c?.metadata.jwks as { keys: { kid: string }[] }).keys[0]?.kid, 'k1');

    const secretFile = path.join(dataDir, 'private.json');
    fs.writeFileSync(secretFile, JSON.stringify({ keys: [privateKey.export({ format: 'jwk' })] }));
    const r2 = await cli([
      'client',
      'create',
      '--tenant',
      'tenant-a',
      '--kind',
      'backend',
      '--name',
      'Leaky',
      '--jwks-file',
      secretFile,
    ]);
    assertFailure(r2, /key 0 holds private key material/);
    assertFailure(
      await cli([
        'client',
        'create',
        '--tenant',
        'tenant-a',
        '--kind',
        'backend',
        '--name',
        'Missing',
        '--jwks-file',
        path.join(dataDir, 'none.json'),
      ]),
      /cannot read --jwks-file .* \(ENOENT\)/,
    );
  });

  it('a backend service without keys, a public app without redirect URI, an unknown tenant: exit 1', async () => {
    assertFailure(
      await cli(['client', 'create', '--tenant', 'tenant-a', '--kind', 'backend', '--name', 'Keyless']),
      /--jwks-file <path> or --jwks-uri <url>/,
    );
    assertFailure(
      await cli(['client', 'create', '--tenant', 'tenant-a', '--kind', 'public', '--name', 'Nowhere']),
      /needs at least one --redirect-uri/,
    );
    assertFailure(
      await cli([
        'client',
        'create',
        '--tenant',
        'nowhere',
        '--kind',
        'public',
        '--name',
        'Lost',
        '--redirect-uri',
        'https://lost.example/cb',
      ]),
      /no tenant "nowhere"/,
    );
  });

  it('refuses to seal with master keys other than the server’s', async () => {
    const other = `other:${crypto.randomBytes(32).toString('base64')}`;
    const r = await cli(
      [
        'client',
        'create',
        '--tenant',
        'tenant-a',
        '--kind',
        'public',
        '--name',
        'Wrong keys',
        '--redirect-uri',
        'https://w.example/cb',
      ],
      { env: { OPENVISIT_MASTER_KEYS: other } },
    );
    assertFailure(r, /master keys cannot open this database's sealed data/);
  });

  it('usage errors exit 2', async () => {
    const base = ['client', 'create', '--tenant', 'tenant-a', '--name', 'App'];
    assertUsage(await cli([...base, '--kind', 'sideways']), /--kind must be public, confidential or backend/);
    assertUsage(await cli(['client', 'create', '--tenant', 'tenant-a', '--kind', 'public']), /--name/);
    assertUsage(
      await cli([...base, '--kind', 'public', '--redirect-uri', 'not a url']),
      /--redirect-uri not a url is not an absolute URL/,
    );
    assertUsage(
      await cli([
        ...base,
        '--kind',
        'public',
        '--redirect-uri',
        'https://a.example/cb',
        '--jwks-uri',
        'https://a.example/jwks',
      ]),
      /a public client has no keys/,
    );
    assertUsage(
      await cli([
        ...base,
        '--kind',
        'backend',
        '--jwks-file',
        'a.json',
        '--jwks-uri',
        'https://a.example/jwks',
      ]),
      /either --jwks-file or --jwks-uri/,
    );
    assertUsage(
      await cli([
        ...base,
        '--kind',
        'backend',
        '--jwks-uri',
        'https://a.example/jwks',
        '--redirect-uri',
        'https://a.example/cb',
      ]),
      /drop --redirect-uri/,
    );
    assertUsage(
      await cli([
        ...base,
        '--kind',
        'backend',
        '--jwks-uri',
        'https://a.example/jwks',
        '--scope',
        'system/*.xyz',
      ]),
      /not a valid scope: system\/\*\.xyz/,
    );
    assertUsage(
      await cli([...base, '--kind', 'backend', '--jwks-uri', 'http://a.example/jwks']),
      /--jwks-uri must be an https URL/,
    );
    assertUsage(
      await cli([
        ...base,
        '--kind',
        'public',
        '--redirect-uri',
        'https://a.example/cb',
        '--client-id',
        'a b',
      ]),
      /--client-id is 3-128 of/,
    );
  });
});

describe('openvisit tenant federate', () => {
  let idp: UpstreamIdp;
  before(async () => {
    idp = await startUpstreamIdp('http://127.0.0.1:9/oauth/federation/callback');
  });
  after(async () => idp?.close());

  it('stores the provider sealed, prints the redirect URI, and links staff accounts by subject', async () => {
    const set = await cli(
      [
        'tenant',
        'federate',
        'tenant-a',
        '--issuer',
        idp.issuer,
        '--client-id',
        idp.clientId,
        '--name',
        'Riverside SSO',
        '--client-secret-stdin',
      ],
      { stdin: `${idp.clientSecret}\n` },
    );
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /staff may sign in with Riverside SSO/);
    assert.match(set.out, /redirect URI to register at the provider\s+http\S+\/oauth\/federation\/callback/);
    assert.ok(!set.out.includes(idp.clientSecret), 'the secret is never printed');
    const row = await t.db.query<{ federation: string }>(
      t.tenantA,
      'SELECT federation FROM auth_tenant_policy WHERE tenant_id = $1',
      [t.tenantA],
    );
    const sealed = row.rows[0]?.federation ?? '';
    assert.ok(sealed !== '' && !sealed.includes(idp.clientSecret), 'the client secret is sealed');
    const stored = await new FederationStore(t.db, envelope).get(t.tenantA);
    assert.equal(stored?.clientSecret, idp.clientSecret);
    assert.equal(stored?.linkVerifiedEmail, false);

    const user = await cli([
      'user',
      'create',
      '--tenant',
      'tenant-a',
      '--username',
      'dr.federated',
      '--role',
      'clinician',
      '--external-subject',
      'abc-123',
    ]);
    assert.equal(user.code, 0, user.err);
    assert.match(user.out, new RegExp(`linked\\s+${idp.issuer.replace(/[.:/]/g, '\\$&')}\\|abc-123`));
    assert.doesNotMatch(user.out, /password/i, 'a linked account gets no password');
    const account = await t.db.query<{ password_hash: string | null; external_subject: string }>(
      t.tenantA,
      `SELECT password_hash, external_subject FROM auth_account WHERE tenant_id = $1 AND username = 'dr.federated'`,
      [t.tenantA],
    );
    assert.equal(account.rows[0]?.password_hash, null);
    assert.equal(account.rows[0]?.external_subject, `${idp.issuer}|abc-123`);

    const twice = await cli([
      'user',
      'create',
      '--tenant',
      'tenant-a',
      '--username',
      'dr.other',
      '--role',
      'clinician',
      '--external-subject',
      'abc-123',
    ]);
    assert.equal(twice.code, 1, 'one identity links one account');
    const patient = await cli([
      'user',
      'create',
      '--tenant',
      'tenant-a',
      '--username',
      'pat.fed',
      '--role',
      'patient',
      '--external-subject',
      'p-1',
    ]);
    assert.equal(patient.code, 2, 'federation is for staff');

    const off = await cli(['tenant', 'federate', 'tenant-a', '--off']);
    assert.equal(off.code, 0, off.err);
    assert.equal(await new FederationStore(t.db, envelope).get(t.tenantA), null);
    const unlinked = await cli([
      'user',
      'create',
      '--tenant',
      'tenant-a',
      '--username',
      'dr.late',
      '--role',
      'clinician',
      '--external-subject',
      'late-1',
    ]);
    assert.equal(unlinked.code, 1);
    assert.match(unlinked.err, /has no identity provider/);
  });

  it('refuses an unreachable or non-HTTPS provider and a secret on the command line', async () => {
    const unreachable = await cli(
      [
        'tenant',
        'federate',
        'tenant-a',
        '--issuer',
        'http://127.0.0.1:9/idp',
        '--client-id',
        'x',
        '--name',
        'X',
        '--client-secret-stdin',
      ],
      { stdin: 'a-secret-long-enough-for-the-check\n' },
    );
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.err, /discovery document could not be read/);
    const plain = await cli(
      [
        'tenant',
        'federate',
        'tenant-a',
        '--issuer',
        'http://idp.example.org',
        '--client-id',
        'x',
        '--name',
        'X',
        '--client-secret-stdin',
      ],
      { stdin: 'a-secret-long-enough-for-the-check\n' },
    );
    assert.equal(plain.code, 2);
    assert.match(plain.err, /https/);
    const noSecret = await cli([
      'tenant',
      'federate',
      'tenant-a',
      '--issuer',
      idp.issuer,
      '--client-id',
      'x',
      '--name',
      'X',
    ]);
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.err, /--client-secret-stdin is required/);
  });
});

describe('openvisit keys rotate', () => {
  it('puts a new key in front and keeps the old ones published', async () => {
    const keys = new SigningKeys(t.db, envelope);
    const first = (await keys.load()).keys[0]?.kid;
    assert.ok(first);

    const r = await cli(['keys', 'rotate']);
    assert.equal(r.code, 0, r.err);
    const kid = /New signing key: (\S+)/.exec(r.out)?.[1];
    assert.ok(kid && kid !== first);
    assert.match(r.out, new RegExp(`previous key ${first}`));
    assert.match(r.out, new RegExp(`for ${RETIRED_KEY_GRACE_SECONDS} s`));
    assert.match(r.out, /within a minute/);

    const after = await keys.load();
    assert.equal(after.keys[0]?.kid, kid, 'the new key signs');
    assert.deepEqual(
      after.keys.map((k) => k.kid),
      [kid, first],
    );
    const active = await t.db.global<{ kid: string }>(
      'SELECT kid FROM auth_signing_key WHERE retired_at IS NULL',
    );
    assert.deepEqual(
      active.rows.map((row) => row.kid),
      [kid],
    );

    const again = await cli(['keys', 'rotate']);
    assert.equal(again.code, 0, again.err);
    const third = /New signing key: (\S+)/.exec(again.out)?.[1];
    assert.deepEqual(
      (await keys.load()).keys.map((k) => k.kid),
      [third, kid, first],
    );
  });

  it('usage errors exit 2', async () => {
    assertUsage(await cli(['keys', 'rotate', 'now']), /unexpected argument: now/);
    assertUsage(await cli(['keys', 'rotate', '--force']), /Unknown option '--force'/);
  });
});

describe('the openvisit binary', () => {
  it('lists the operator commands in help; unknown subcommands exit 2', async () => {
    const help = await cli(['help']);
    assert.equal(help.code, 0);
    for (const c of [
      'tenant create',
      'user create',
      'client create',
      'keys rotate',
      'audit verify',
      'migrate',
    ])
      assert.match(help.out, new RegExp(c));
    const unknown = await cli(['tenant', 'delete', 'x']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /Unknown command: tenant delete x/);
    const own = await cli(['user', 'create', '--help']);
    assert.equal(own.code, 0);
    assert.match(own.out, /Usage: openvisit user create --tenant <slug>/);
  });

  it('exit codes and a piped password, in a process of its own', async () => {
    const password = 'piped passphrase, twenty-six';
    const ok = await spawnCli(
      [
        'user',
        'create',
        '--tenant',
        'tenant-a',
        '--username',
        'ivy',
        '--role',
        'caregiver',
        '--password-stdin',
      ],
      `${password}\n`,
    );
    assert.equal(ok.code, 0, ok.err);
    assert.ok(!ok.out.includes(password) && !ok.err.includes(password));
    const row = await account(t.tenantA, 'ivy');
    assert.ok(row && (await verifyPassword(row.password_hash, password)));

    const failed = await spawnCli([
      'user',
      'create',
      '--tenant',
      'tenant-a',
      '--username',
      'jay',
      '--role',
      'wizard',
    ]);
    assert.equal(failed.code, 1);
    assert.match(failed.err, /^openvisit user create: unknown role "wizard"/m);
    assert.doesNotMatch(failed.err, /\n\s+at /);

    const usage = await spawnCli([
      'client',
      'create',
      '--tenant',
      'tenant-a',
      '--kind',
      'sideways',
      '--name',
      'x',
    ]);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /Usage: openvisit client create/);
  });
});
