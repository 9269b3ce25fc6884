/**
 * Scheduling benchmark (issue 5), against the server as deployed (security on):
 * - slot search across 500 clinicians × 90 days on a busy calendar (`Appointment/$find`), target
 *   p99 ≤ 100 ms; baseline: an authenticated read of one Patient in the same run;
 * - booking throughput with 32 concurrent patients (`Appointment/$book`), target ≥ 1,000 bookings/s
 *   with zero double bookings; baseline: a plain FHIR create in the same run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type {
  ClinicianAvailability,
  VisitType,
} from '../server/src/modules/scheduling/availability/types.js';
import { SchedulingConfig } from '../server/src/modules/scheduling/config/store.js';
import { Database } from '../server/src/platform/db/pool.js';
import { ensureTenant } from '../server/src/platform/db/tenants.js';
import { BenchAccess, type TokenSource } from './lib/access.js';
import { Client, type Request } from './lib/http.js';
import { startOpenVisit } from './lib/openvisit.js';
import { runScenario, type ScenarioResult } from './lib/run-scenario.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIR, '..');
const DAY = 86_400_000;
const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];

const USAGE = `Usage: npm run bench:scheduling -w bench -- [options]

  --clinicians <n>   clinicians in the pool (default 500)
  --days <n>         days searched and pre-booked (default 90)
  --seconds <n>      measured seconds per scenario (default 10)
  --concurrency <n>  patients booking at once (default 32)
  --server-cpu-prof <dir>  profile the server (node --cpu-prof) into <dir>
  --no-build         skip \`npm run build\``;

const VISIT: VisitType = {
  id: 'bench-video-20',
  serviceLine: 'primary-care',
  name: 'Video visit',
  durationMin: 20,
  modalities: ['video'],
  bufferBeforeMin: 0,
  bufferAfterMin: 10,
  minNoticeMin: 60,
  bookingWindowDays: 120,
  patientKind: 'any',
  bookableBy: ['patient', 'front-desk'],
  groupCapacity: 1,
};

function clinician(id: string, i: number): ClinicianAvailability {
  const weekdays = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
  return {
    practitionerId: id,
    timeZone: ZONES[i % ZONES.length] ?? 'UTC',
    rules: [
      { rrule: weekdays, start: '08:00', end: '12:00', validFrom: '2026-01-01' },
      { rrule: weekdays, start: '13:00', end: '17:00', validFrom: '2026-01-01' },
    ],
    overrides: [],
    timeOff: [],
    maxPerDay: 40,
    licensedStates: ['MA', 'NY', 'CA', 'TX'],
    languages: i % 3 === 0 ? ['en', 'es'] : ['en'],
    serviceLines: ['primary-care'],
    weight: 1 + (i % 3),
  };
}

const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const params = (p: Record<string, string>) =>
  JSON.stringify({
    resourceType: 'Parameters',
    parameter: Object.entries(p).map(([name, value]) =>
      name === 'start' ? { name, valueDateTime: value } : { name, valueString: value },
    ),
  });

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      clinicians: { type: 'string' },
      days: { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      'no-build': { type: 'boolean' },
      'server-cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const clinicians = Number(values.clinicians ?? 500);
  const days = Number(values.days ?? 90);
  const seconds = Number(values.seconds ?? 10);
  const concurrency = Number(values.concurrency ?? 32);
  if (![clinicians, days, seconds, concurrency].every((n) => Number.isInteger(n) && n > 0))
    throw new Error('bad option');
  if (!values['no-build'])
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openvisit-bench-scheduling-'));
  fs.chmodSync(workDir, 0o755);
  console.log(`Starting OpenVisit (work dir ${workDir}) …`);
  const server = await startOpenVisit({
    repoRoot: REPO_ROOT,
    workDir,
    logLevel: 'warn',
    ...(values['server-cpu-prof'] ? { cpuProfDir: values['server-cpu-prof'] } : {}),
    env: { RATE_LIMIT_CLIENT_RPS: '1000000', RATE_LIMIT_TENANT_RPS: '1000000' },
  });
  const access = await BenchAccess.open(server);
  const db = new Database(server.databaseUrl, { max: 4 });
  const tokens: TokenSource[] = [];
  try {
    const tenantId = await ensureTenant(db, process.env.OPENVISIT_TENANT || 'default');
    const backend = await access.backend('system/*.cruds');
    tokens.push(backend);
    const admin = new Client(server.origin, 8, backend.token);
    const fhir = server.fhirPath;

    // Clinicians as Practitioners, their hours, and a busy calendar: five visits a day each.
    console.log(`Configuring ${clinicians} clinicians and pre-booking ${days} days …`);
    for (let i = 0; i < clinicians; i++) {
      const res = await admin.send({
        method: 'POST',
        path: `${fhir}/Practitioner`,
        body: JSON.stringify({ resourceType: 'Practitioner', name: [{ text: `Dr. Bench ${i}` }] }),
        headers: { prefer: 'return=minimal' },
      });
      if (res.status !== 201) throw new Error(`Practitioner: ${res.status} ${res.text.slice(0, 200)}`);
    }
    const stored = await db.query<{ id: string }>(
      tenantId,
      `SELECT id FROM resource WHERE tenant_id = $1 AND res_type = 'Practitioner' AND NOT deleted ORDER BY rid`,
      [tenantId],
    );
    const ids = stored.rows.map((r) => r.id);
    const config = new SchedulingConfig();
    await db.transaction(tenantId, async (q) => {
      await config.saveVisitType(q, tenantId, VISIT);
      for (const [i, id] of ids.entries()) await config.saveClinician(q, tenantId, clinician(id, i));
    });
    const pre = await db.transaction(tenantId, (q) =>
      q.query(
        `INSERT INTO sched_booking (tenant_id, id, practitioner_id, patient_id, visit_type_id, modality, starts_at,
           ends_at, blocked, status, local_date, local_week, booked_by)
         SELECT $1, gen_random_uuid(), c.id, 'bench', $4, 'video', x.s, x.s + interval '20 minutes',
                tstzrange(x.s, x.s + interval '30 minutes'), 'booked', d::date, date_trunc('week', d)::date, 'bench'
           FROM unnest($2::text[], $3::text[]) AS c(id, tz),
                generate_series(current_date + 1, current_date + $5::int, interval '1 day') AS d,
                unnest(ARRAY['09:00', '10:00', '11:00', '14:00', '15:00']::time[]) AS t,
                LATERAL (SELECT (d::date + t) AT TIME ZONE c.tz AS s) AS x
          WHERE extract(isodow FROM d) < 6`,
        [tenantId, ids, ids.map((_, i) => ZONES[i % ZONES.length]), VISIT.id, days],
      ),
    );
    console.log(`  ${fmt(pre.rowCount ?? 0)} bookings already on the calendar`);
    // Written around the booking code: recount the caps' day and week rows, as saving hours does.
    await db.transaction(tenantId, async (q) => {
      for (const [i, id] of ids.entries()) await config.saveClinician(q, tenantId, clinician(id, i));
    });
    await db.global('ANALYZE sched_booking').catch(() => undefined);

    // Patients who book for themselves, signed in through the real pages.
    console.log(`Signing in ${concurrency} patients …`);
    const patients: { id: string; token: TokenSource }[] = [];
    for (let i = 0; i < concurrency; i++) {
      const res = await admin.send({
        method: 'POST',
        path: `${fhir}/Patient`,
        body: JSON.stringify({
          resourceType: 'Patient',
          name: [{ given: [`Bench${i}`], family: 'Patient' }],
          address: [{ state: 'MA' }],
        }),
      });
      const id = (JSON.parse(res.text) as { id: string }).id;
      patients.push({ id, token: await access.patient(id, 'openid fhirUser user/*.cruds') });
      tokens.push(patients[i]?.token as TokenSource);
    }

    const now = Date.now();
    const windowEnd = new Date(now + days * DAY).toISOString();
    const findPath = `${fhir}/Appointment/$find?visit-type=${VISIT.id}&start=${encodeURIComponent(new Date(now).toISOString())}&end=${encodeURIComponent(windowEnd)}&_count=50`;
    const first = await admin.send({ method: 'GET', path: findPath });
    const found = (JSON.parse(first.text) as { entry?: unknown[] }).entry?.length ?? 0;
    console.log(`  a search finds ${found} times (first 50 of ${clinicians} clinicians × ${days} days)`);
    const patientRead: Request = { method: 'GET', path: `${fhir}/Patient/${patients[0]?.id}` };

    // Free times to book, split between the patients so they rarely meet (as in a real surge, each
    // looks at a different part of the calendar); any clash is still a clean 409.
    console.log('Listing free times to book …');
    const free: { practitioner: string; start: string }[] = [];
    for (let day = 1; day < days && free.length < 60_000; day += 1) {
      const from = new Date(now + day * DAY).toISOString();
      const to = new Date(now + (day + 1) * DAY).toISOString();
      const res = await admin.send({
        method: 'GET',
        path: `${fhir}/Appointment/$find?visit-type=${VISIT.id}&start=${encodeURIComponent(from)}&end=${encodeURIComponent(to)}&_count=1000`,
      });
      for (const e of (
        JSON.parse(res.text) as {
          entry?: { resource: { start: string; participant: { actor: { reference: string } }[] } }[];
        }
      ).entry ?? [])
        free.push({
          start: e.resource.start,
          practitioner: e.resource.participant[0]?.actor.reference ?? '',
        });
    }
    // Consecutive free times of one clinician overlap once buffers count (a 20-minute visit with a
    // 10-minute after-buffer on a 20-minute grid): keep only times that can all be booked, so the
    // figure is bookings, not 409s. Lost races are still counted and still answered.
    const blockedMs = (VISIT.bufferBeforeMin + VISIT.durationMin + VISIT.bufferAfterMin) * 60_000;
    const lastKept = new Map<string, number>();
    const bookable = free
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .filter((slot) => {
        const at = Date.parse(slot.start);
        if (at < (lastKept.get(slot.practitioner) ?? -Infinity) + blockedMs) return false;
        lastKept.set(slot.practitioner, at);
        return true;
      });
    free.length = 0;
    for (const slot of bookable) free.push(slot);
    console.log(`  ${fmt(free.length)} free times that can all be booked`);
    const perWorker = free.length / concurrency;
    const cursor = Array.from({ length: concurrency }, () => 0);

    const results: ScenarioResult[] = [];
    const reader = new Client(server.origin, 8, backend.token);
    results.push(
      await runScenario(
        reader,
        { name: 'baseline: read one Patient', description: '', next: () => patientRead },
        {
          concurrency: 4,
          seconds,
          warmupSeconds: 2,
        },
      ),
    );
    for (const searchers of [1, 4])
      results.push(
        await runScenario(
          reader,
          {
            name: `slot search (${clinicians} × ${days} d), ${searchers} at once`,
            description: '',
            next: () => ({ method: 'GET', path: findPath }),
          },
          { concurrency: searchers, seconds, warmupSeconds: 2 },
        ),
      );
    results.push(
      await runScenario(
        new Client(server.origin, concurrency, backend.token),
        {
          name: 'baseline: FHIR create (Basic)',
          description: '',
          next: () => ({
            method: 'POST',
            path: `${fhir}/Basic`,
            body: JSON.stringify({ resourceType: 'Basic', code: { text: 'bench' } }),
            headers: { prefer: 'return=minimal' },
          }),
        },
        { concurrency, seconds, warmupSeconds: 1 },
      ),
    );
    const booker = new Client(server.origin, concurrency);
    let conflicts = 0;
    const booking = await runScenario(
      booker,
      {
        name: `booking: ${concurrency} patients at once`,
        description: '',
        next: (w) => {
          const i = Math.floor(w * perWorker) + (cursor[w] = (cursor[w] ?? 0) + 1) - 1;
          const slot = free[i % free.length];
          return {
            method: 'POST',
            path: `${fhir}/Appointment/$book`,
            body: params({
              'visit-type': VISIT.id,
              start: slot?.start ?? '',
              practitioner: slot?.practitioner ?? '',
            }),
            headers: { authorization: `Bearer ${patients[w]?.token.token() ?? ''}` },
          };
        },
        check: (res) => {
          if (res.status === 409) conflicts++;
          return res.status === 201 || res.status === 409;
        },
      },
      { concurrency, seconds, warmupSeconds: 0 },
    );
    results.push(booking);

    const doubles = await db.transaction(tenantId, (q) =>
      q.query<{ n: string }>(
        `SELECT count(*) AS n FROM sched_booking a JOIN sched_booking b
           ON a.tenant_id = b.tenant_id AND a.practitioner_id = b.practitioner_id AND a.id < b.id AND a.blocked && b.blocked
         WHERE a.tenant_id = $1 AND a.status IN ('held', 'booked', 'checked-in') AND b.status IN ('held', 'booked', 'checked-in')`,
        [tenantId],
      ),
    );
    const booked = booking.requests - conflicts - booking.errors;

    console.log('\nResults (security on: tokens, access policy, audit):');
    for (const r of results)
      console.log(
        `  ${r.name.padEnd(44)} ${fmt(r.rps).padStart(7)} req/s  p50 ${fmt(r.p50, 1)} ms  p99 ${fmt(r.p99, 1)} ms${r.errors ? `  errors ${r.errors} (${r.firstError ?? ''})` : ''}`,
      );
    const [readBase, search, , createBase] = results;
    const bookingsPerSecond = booked / booking.seconds;
    console.log(
      `\n  slot search p99 / baseline read p99: ${fmt((search?.p99 ?? 0) / (readBase?.p99 ?? 1), 1)}×`,
    );
    console.log(
      `  bookings/s: ${fmt(bookingsPerSecond)} (${fmt(booked)} booked, ${conflicts} lost races), ${fmt((bookingsPerSecond / (createBase?.rps ?? 1)) * 100)}% of the plain create rate`,
    );
    console.log(`  double bookings: ${doubles.rows[0]?.n}`);
    const searchOk = (search?.p99 ?? Infinity) <= 100;
    const bookOk = bookingsPerSecond >= 1000 && Number(doubles.rows[0]?.n) === 0;
    console.log(
      `\nTargets: slot search p99 ≤ 100 ms (${fmt(search?.p99 ?? 0, 1)} ms): ${searchOk ? 'PASS' : 'FAIL'}; ` +
        `booking ≥ 1,000/s with no double booking (${fmt(bookingsPerSecond)}/s): ${bookOk ? 'PASS' : 'FAIL'}`,
    );
    await Promise.all([admin.close(), reader.close(), booker.close()]);
    return 0;
  } finally {
    for (const t of tokens) t.stop();
    await db.close();
    await access.close();
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
