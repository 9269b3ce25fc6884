import { AccountStore } from '../auth/identity/account-store.js';
import { ClientStore } from '../auth/identity/client-store.js';
import { DEFAULT_INTERACTIVE_SCOPE } from '../auth/cli/client-create.js';
import { STAFF_ROLES, type Role } from '../auth/policy/roles.js';
import { processBundle } from '../fhir/bundle/process-bundle.js';
import { definitions, type Definitions } from '../fhir/definitions/index.js';
import { OPEN_ACCESS } from '../fhir/interactions/access.js';
import type { Caller } from '../fhir/interactions/deps.js';
import { createFhirDeps, type FhirDeps } from '../fhir/rest/deps-factory.js';
import { SearchParamRegistry } from '../fhir/storage/search-param-registry.js';
import type { Envelope } from '../platform/crypto/envelope.js';
import type { Database } from '../platform/db/pool.js';
import { ensureTenant } from '../platform/db/tenants.js';
import {
  DEMO_PATIENT_BUNDLES,
  type DemoBundle,
  type DemoEntry,
  type DemoResource,
} from './patients/index.js';
import { seedScheduling } from './scheduling.js';
import { firstPatientRecords, visitNote, type DemoVisit } from './visit-records.js';

/** The password of every demo account. Public (README.md): demo data only, never a real deployment. */
export const DEMO_PASSWORD = 'OpenVisit-demo-2026!';
/** The web app's OAuth client, registered for the demo tenant. */
export const DEMO_CLIENT_ID = 'openvisit-web';
/** Identifier system of the resources the seed adds next to the Synthea patients. */
export const DEMO_IDENTIFIER_SYSTEM = 'urn:openvisit:demo';
const SYNTHEA_IDENTIFIER_SYSTEM = 'https://github.com/synthetichealth/synthea';

type Link = 'patient' | 'caregiver' | 'clinician' | 'nurse';

/** The demo sign-ins, in the order README.md lists them; `link` names the FHIR resource each one is. */
export const DEMO_ACCOUNTS: readonly { username: string; role: Role; link?: Link }[] = [
  { username: 'patient@demo', role: 'patient', link: 'patient' },
  { username: 'caregiver@demo', role: 'caregiver', link: 'caregiver' },
  { username: 'clinician@demo', role: 'clinician', link: 'clinician' },
  { username: 'nurse@demo', role: 'nurse', link: 'nurse' },
  { username: 'frontdesk@demo', role: 'front-desk' },
  { username: 'billing@demo', role: 'billing' },
  { username: 'ops@demo', role: 'operations' },
  { username: 'admin@demo', role: 'tenant-admin' },
];

export interface DemoSeedOptions {
  /** Public base URL of the server, e.g. `http://localhost:8080` (the web app's redirect URIs). */
  baseUrl: string;
  /** Absolute FHIR base, e.g. `http://localhost:8080/fhir/R4`. */
  fhirBaseUrl: string;
  /** The tenant to seed (created when missing). */
  tenantSlug: string;
  /** Passed by a caller that has them loaded already (the server start); loaded here otherwise. */
  defs?: Definitions;
  registry?: SearchParamRegistry;
}

export interface DemoSeedResult {
  tenantId: number;
  tenantSlug: string;
  /** The demo patients in DEMO_PATIENT_BUNDLES order. */
  patients: { id: string; name: string }[];
  /** Practitioner ids of Dr. Demo (clinician@demo) and Nurse Demo (nurse@demo). */
  clinicianPractitioner: string;
  nursePractitioner: string;
  /** RelatedPerson id of caregiver@demo (whose patient is the second demo patient). */
  caregiverRelatedPerson: string;
  accounts: { username: string; id: string; roles: Role[]; fhirUser: string | null }[];
  /** Null when `openvisit-web` is already registered to another tenant of this installation. */
  clientId: string | null;
}

/**
 * Fills an empty tenant with demo data: three Synthea patients, Dr. Demo and Nurse Demo with
 * telehealth visits that give them care relationships, a caregiver, one account per role and the web
 * app's client. Runs only while the tenant has no accounts (null otherwise), under a transaction-level
 * advisory lock, so of several processes starting at once exactly one seeds. Every FHIR step is also
 * idempotent on its own (conditional creates, patients found by their Synthea identifier), so a seed
 * that failed half-way completes on the next start. Needs two pooled connections (one holds the lock).
 */
export async function seedDemo(
  db: Database,
  envelope: Envelope,
  opts: DemoSeedOptions,
): Promise<DemoSeedResult | null> {
  if (db.max < 2) throw new Error('the demo seed needs a database pool of at least two connections');
  const tenantId = await ensureTenant(db, opts.tenantSlug);
  return db.transaction(tenantId, async (q) => {
    // A second process waits here (up to ten minutes) until the first one's whole seed is committed.
    await q.query(`SET LOCAL statement_timeout = '10min'`);
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('openvisit.demo-seed'), $1)`, [tenantId]);
    const accounts = await q.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM auth_account WHERE tenant_id = $1) AS any',
      [tenantId],
    );
    if (accounts.rows[0]?.any) return null;
    return seedTenant(db, envelope, tenantId, opts);
  });
}

async function seedTenant(
  db: Database,
  envelope: Envelope,
  tenantId: number,
  opts: DemoSeedOptions,
): Promise<DemoSeedResult> {
  const defs = opts.defs ?? definitions();
  const registry = opts.registry ?? (await SearchParamRegistry.load(db, defs));
  const fhir = await createFhirDeps({ db, defs, registry, fhirBaseUrl: opts.fhirBaseUrl });
  // The platform writing its own demo data: no user, no access policy.
  const caller: Caller = { tenantId, access: OPEN_ACCESS };

  const patients: DemoSeedResult['patients'] = [];
  for (const bundle of DEMO_PATIENT_BUNDLES) patients.push(await loadPatient(fhir, caller, bundle));
  const [first, second] = patients;
  if (!first || !second) throw new Error('the demo data set needs at least two patients');
  const care = await loadCare(fhir, caller, first.id, second.id);
  await seedScheduling(db, fhir.deps, tenantId, care.clinician, care.nurse);

  // The client before the accounts: accounts are what marks the tenant as seeded.
  const clients = new ClientStore(db, envelope);
  const existing = await clients.find(DEMO_CLIENT_ID);
  let clientId: string | null = existing?.tenantId === tenantId ? DEMO_CLIENT_ID : null;
  if (!existing) {
    const created = await clients.create(tenantId, {
      kind: 'public',
      clientId: DEMO_CLIENT_ID,
      name: 'OpenVisit web app',
      redirectUris: [`${opts.baseUrl}/app/callback`, `${opts.baseUrl}/app/silent-callback`],
      postLogoutRedirectUris: [`${opts.baseUrl}/app/`],
      scope: DEFAULT_INTERACTIVE_SCOPE,
    });
    clientId = created.client.clientId;
  }

  const fhirUsers: Record<Link, string> = {
    patient: `Patient/${first.id}`,
    caregiver: `RelatedPerson/${care.caregiver}`,
    clinician: `Practitioner/${care.clinician}`,
    nurse: `Practitioner/${care.nurse}`,
  };
  const store = new AccountStore(db, envelope);
  const accounts: DemoSeedResult['accounts'] = [];
  for (const a of DEMO_ACCOUNTS) {
    const account =
      (await store.byUsername(tenantId, a.username)) ??
      (await store.create(tenantId, {
        username: a.username,
        password: DEMO_PASSWORD,
        roles: [a.role],
        ...(a.link ? { fhirUser: fhirUsers[a.link] } : {}),
      }));
    accounts.push({
      username: account.username,
      id: account.id,
      roles: account.roles,
      fhirUser: account.fhirUser,
    });
  }
  return {
    tenantId,
    tenantSlug: opts.tenantSlug,
    patients,
    clinicianPractitioner: care.clinician,
    nursePractitioner: care.nurse,
    caregiverRelatedPerson: care.caregiver,
    accounts,
    clientId,
  };
}

/** Loads one patient's Bundle as a transaction, unless that patient (by Synthea identifier) is there. */
async function loadPatient(
  fhir: FhirDeps,
  caller: Caller,
  bundle: DemoBundle,
): Promise<{ id: string; name: string }> {
  const index = bundle.entry.findIndex((e) => e.resource.resourceType === 'Patient');
  const patient = bundle.entry[index]?.resource;
  if (!patient) throw new Error('a demo Bundle without a Patient');
  const name = displayName(patient);
  const identifier = (patient.identifier as { system?: string; value?: string }[] | undefined)?.find(
    (i) => i.system === SYNTHEA_IDENTIFIER_SYSTEM,
  )?.value;
  if (identifier) {
    const found = await fhir.db.withTenant(caller.tenantId, (q) =>
      fhir.deps.matcher.match(
        { ...caller, q },
        'Patient',
        [['identifier', `${SYNTHEA_IDENTIFIER_SYSTEM}|${identifier}`]],
        1,
      ),
    );
    if (found[0]) return { id: found[0].id, name };
  }
  // processBundle rewrites references in place: it gets a copy, the module's data stays as written.
  const ids = await transaction(fhir, caller, structuredClone(bundle), name);
  const id = ids[index];
  if (!id) throw new Error(`demo patient ${name}: no id in the transaction response`);
  return { id, name };
}

const CLINICIAN_URN = 'urn:uuid:6f0f2a1e-5d0c-4d7e-9d1a-0c1a5e0d0001';
const NURSE_URN = 'urn:uuid:6f0f2a1e-5d0c-4d7e-9d1a-0c1a5e0d0002';
const CAREGIVER_URN = 'urn:uuid:6f0f2a1e-5d0c-4d7e-9d1a-0c1a5e0d0003';

/**
 * Dr. Demo, Nurse Demo and the caregiver, plus the telehealth visits that are their care
 * relationships (the access policy gives a clinician the patients of Encounters they take part in):
 * Dr. Demo saw the first and second patient, Nurse Demo the first. The third patient has no care
 * relationship with either (break-glass only).
 */
async function loadCare(
  fhir: FhirDeps,
  caller: Caller,
  firstPatient: string,
  secondPatient: string,
): Promise<{ clinician: string; nurse: string; caregiver: string }> {
  const entries: DemoEntry[] = [
    demoEntry(CLINICIAN_URN, 'clinician', {
      resourceType: 'Practitioner',
      active: true,
      name: [{ use: 'official', text: 'Dr. Demo', family: 'Demo', given: ['Dana'], prefix: ['Dr.'] }],
      telecom: [{ system: 'email', value: 'clinician@demo.invalid', use: 'work' }],
      qualification: [{ code: { text: 'Doctor of Medicine (MD)' } }],
    }),
    demoEntry(NURSE_URN, 'nurse', {
      resourceType: 'Practitioner',
      active: true,
      name: [{ use: 'official', text: 'Nurse Demo', family: 'Demo', given: ['Noor'], suffix: ['RN'] }],
      telecom: [{ system: 'email', value: 'nurse@demo.invalid', use: 'work' }],
      qualification: [{ code: { text: 'Registered Nurse (RN)' } }],
    }),
    demoEntry(CAREGIVER_URN, 'caregiver', {
      resourceType: 'RelatedPerson',
      active: true,
      patient: { reference: `Patient/${secondPatient}` },
      relationship: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
              code: 'FAMMEMB',
              display: 'family member',
            },
          ],
        },
      ],
      name: [{ use: 'official', text: 'Casey Demo', family: 'Demo', given: ['Casey'] }],
    }),
  ];
  const visits: [[DemoVisit, string], ...[DemoVisit, string][]] = [
    [demoVisit(1, firstPatient, CLINICIAN_URN, 'Dr. Demo', '2025-11-03T15:00:00Z'), NOTES[0]],
    [demoVisit(2, secondPatient, CLINICIAN_URN, 'Dr. Demo', '2025-11-04T16:30:00Z'), NOTES[1]],
    [demoVisit(3, firstPatient, NURSE_URN, 'Nurse Demo', '2025-11-10T14:00:00Z'), NOTES[2]],
  ];
  visits.forEach(([v], i) => entries.push(visit(i + 1, v)));
  visits.forEach(([v, note], i) => entries.push(visitNote(demoEntry, i + 1, v, note)));
  entries.push(...firstPatientRecords(demoEntry, visits[0][0]));
  const ids = await transaction(
    fhir,
    caller,
    { resourceType: 'Bundle', type: 'transaction', entry: entries },
    'care team',
  );
  const [clinician, nurse, caregiver] = ids;
  if (!clinician || !nurse || !caregiver)
    throw new Error('demo care team: no ids in the transaction response');
  return { clinician, nurse, caregiver };
}

/** A conditional create: found again by its demo identifier instead of created twice. */
function demoEntry(fullUrl: string, key: string, resource: DemoResource): DemoEntry {
  return {
    fullUrl,
    resource: { ...resource, identifier: [{ system: DEMO_IDENTIFIER_SYSTEM, value: key }] },
    request: {
      method: 'POST',
      url: resource.resourceType,
      ifNoneExist: `identifier=${encodeURIComponent(`${DEMO_IDENTIFIER_SYSTEM}|${key}`)}`,
    },
  };
}

/** The visit notes, in visit order: synthetic text, written for the demo. */
const NOTES = [
  'Telehealth follow-up for weight management. Discussed activity and diet goals; agreed on a walking ' +
    'plan and weekly weights. Started vitamin D3. Patient reports a past rash with penicillin; added ' +
    'to allergies. Fasting blood test before the next visit.',
  'Telehealth visit for sinus symptoms, improving. No fever. Saline rinses and rest advised; return if ' +
    'symptoms last beyond ten days or worsen.',
  'Nurse check-in after the weight management visit. Reviewed the walking plan and how to record ' +
    'weekly weights. No questions about the new medicine.',
] as const;

/** A finished 20-minute telehealth visit of `patient` with `practitioner` (a fullUrl in the Bundle). */
function demoVisit(n: number, patient: string, practitioner: string, name: string, start: string): DemoVisit {
  const end = new Date(Date.parse(start) + 20 * 60_000).toISOString().replace('.000Z', 'Z');
  return {
    encounter: `urn:uuid:6f0f2a1e-5d0c-4d7e-9d1a-0c1a5e0d01${String(n).padStart(2, '0')}`,
    patient,
    author: practitioner,
    authorName: name,
    start,
    end,
  };
}

/** The visit's Encounter: the care relationship the access policy reads. */
function visit(n: number, v: DemoVisit): DemoEntry {
  const { patient, author: practitioner, authorName: display, start, end } = v;
  return demoEntry(v.encounter, `visit-${n}`, {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' },
    type: [{ text: 'Telehealth visit' }],
    subject: { reference: `Patient/${patient}` },
    participant: [
      {
        type: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'PPRF',
                display: 'primary performer',
              },
            ],
          },
        ],
        individual: { reference: practitioner, display },
      },
    ],
    period: { start, end },
  });
}

/** Runs a transaction Bundle; the ids of its entries, in entry order. */
async function transaction(
  fhir: FhirDeps,
  caller: Caller,
  bundle: DemoBundle,
  what: string,
): Promise<string[]> {
  let json: string;
  try {
    json = (await processBundle(fhir, caller, bundle, 'minimal')).json;
  } catch (err) {
    throw new Error(`demo data (${what}) was refused: ${(err as Error).message}`);
  }
  const response = JSON.parse(json) as { entry?: { response?: { location?: string } }[] };
  return (response.entry ?? []).map((e) => e.response?.location?.split('/')[1] ?? '');
}

function displayName(resource: DemoResource): string {
  const name = (resource.name as { given?: string[]; family?: string }[] | undefined)?.[0];
  return [...(name?.given ?? []), name?.family ?? ''].join(' ').trim() || resource.resourceType;
}

/** What `openvisit start` prints after seeding: who to sign in as, never the password. */
export function describeDemoSeed(result: DemoSeedResult): string {
  const staff = result.accounts.filter((a) => a.roles.some((r) => STAFF_ROLES.includes(r)));
  const others = result.accounts.filter((a) => !staff.includes(a));
  const [first, second, ...rest] = result.patients.map((p) => p.name);
  return [
    `Demo tenant seeded ("${result.tenantSlug}"): sign in as clinician@demo (or any account below) with the`,
    '  demo password from README.md ("Demo sign-in"). Demo data only: OPENVISIT_DEMO=off skips it.',
    `  Staff         ${staff.map((a) => a.username).join(', ')}`,
    '                (each enrols an authenticator app (TOTP) at the first sign-in)',
    `  Patient side  ${others.map((a) => a.username).join(', ')}`,
    `  Records       ${first ?? '-'}: patient@demo's own; seen by clinician@demo and nurse@demo`,
    `                ${second ?? '-'}: caregiver@demo's dependent; seen by clinician@demo`,
    ...rest.map((name) => `                ${name}: no care relationship (break-glass only)`),
    result.clientId
      ? `  Web app       client_id ${result.clientId}`
      : `  Web app       ${DEMO_CLIENT_ID} belongs to another tenant: register one with openvisit client create`,
  ].join('\n');
}
