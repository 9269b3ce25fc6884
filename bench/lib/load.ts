import { performance } from 'node:perf_hooks';
import { transaction, type DataSet, type TxEntry } from './data.js';
import type { Client } from './http.js';

export interface LoadResult {
  resources: number;
  seconds: number;
  perSecond: number;
}

export interface LoadOptions {
  batch: number;
  concurrency: number;
  fhirPath: string;
  label: string;
}

interface TxResponse {
  entry?: { response?: { status?: string; location?: string } }[];
}

/** `Patient/abc/_history/1` → `abc` */
function idOf(location: string | undefined): string {
  const id = location?.split('/')[1];
  if (!id) throw new Error(`transaction response entry without a location: ${location}`);
  return id;
}

/**
 * Creates `count` resources through transaction Bundles of `batch` entries, `concurrency` Bundles in
 * flight, and returns the server-assigned ids in creation order.
 */
async function loadInBundles(
  client: Client,
  count: number,
  make: (n: number) => TxEntry,
  opts: LoadOptions,
): Promise<{ ids: string[]; result: LoadResult }> {
  const ids = new Array<string>(count);
  const t0 = performance.now();
  let nextStart = 0;
  let done = 0;
  let reported = 0;
  const worker = async () => {
    while (nextStart < count) {
      const start = nextStart;
      const end = Math.min(count, start + opts.batch);
      nextStart = end;
      const entries: TxEntry[] = [];
      for (let n = start; n < end; n++) entries.push(make(n));
      const res = await client.send({
        method: 'POST',
        path: opts.fhirPath,
        body: transaction(entries),
        headers: { prefer: 'return=minimal' },
      });
      if (res.status !== 200)
        throw new Error(`loading ${opts.label}: ${res.status} ${res.text.slice(0, 500)}`);
      const answer = JSON.parse(res.text) as TxResponse;
      const got = answer.entry ?? [];
      if (got.length !== end - start)
        throw new Error(`loading ${opts.label}: ${got.length} entries answered`);
      got.forEach((e, i) => (ids[start + i] = idOf(e.response?.location)));
      done += end - start;
      if (done - reported >= count / 10) {
        reported = done;
        const s = (performance.now() - t0) / 1000;
        console.log(`  ${opts.label}: ${done}/${count} (${Math.round(done / s)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { ids, result: { resources: count, seconds, perSecond: count / seconds } };
}

export interface LoadedData {
  patientIds: string[];
  /** Family name of each loaded patient, by index (the family search draws from these). */
  families: string[];
  /** Patients that have observations (the first `observationPatients` of patientIds). */
  observationPatientIds: string[];
  patients: LoadResult;
  observations: LoadResult;
}

/** Loads the patients, then observations spread evenly over the first `observationPatients`. */
export async function loadData(
  client: Client,
  data: DataSet,
  sizes: { patients: number; observations: number; observationPatients: number },
  opts: Omit<LoadOptions, 'label'>,
): Promise<LoadedData> {
  const families: string[] = [];
  const p = await loadInBundles(
    client,
    sizes.patients,
    (n) => {
      const resource = data.patient(n);
      families.push((resource.name as { family: string }[])[0]?.family ?? '');
      return { resource };
    },
    { ...opts, label: 'Patient' },
  );
  const observationPatientIds = p.ids.slice(0, sizes.observationPatients);
  const o = await loadInBundles(
    client,
    sizes.observations,
    (n) => ({
      resource: data.observation(`Patient/${observationPatientIds[n % observationPatientIds.length]}`),
    }),
    { ...opts, label: 'Observation' },
  );
  return {
    patientIds: p.ids,
    families,
    observationPatientIds,
    patients: p.result,
    observations: o.result,
  };
}

/**
 * The LoadedData of a database an earlier run loaded (`--reuse`): the first `patients` Patients in
 * creation order, and the patients that Observations point at. Load rates are not known (zero).
 */
export async function loadedFromDatabase(
  query: (sql: string) => Promise<string>,
  sizes: { patients: number },
): Promise<LoadedData> {
  const lines = (s: string) => s.split('\n').filter((l) => l !== '');
  const patients = lines(
    await query(
      `SELECT id || '|' || coalesce(content::jsonb #>> '{name,0,family}', '') FROM resource
       WHERE res_type = 'Patient' AND NOT deleted ORDER BY rid LIMIT ${sizes.patients}`,
    ),
  ).map((l) => l.split('|') as [string, string]);
  if (patients.length < sizes.patients)
    throw new Error(`--reuse: the database holds ${patients.length} Patients, fewer than this --scale needs`);
  const observationPatientIds = lines(
    await query(
      `SELECT DISTINCT x.target_id FROM idx_reference x JOIN search_param s ON s.id = x.param_id
       WHERE s.resource_type = 'Observation' AND s.code = 'subject'`,
    ),
  );
  const none: LoadResult = { resources: 0, seconds: 0, perSecond: 0 };
  return {
    patientIds: patients.map((p) => p[0]),
    families: patients.map((p) => p[1]),
    observationPatientIds,
    patients: none,
    observations: none,
  };
}
