import crypto from 'node:crypto';
import { FIRST_YEAR, LAST_YEAR, OBSERVATION_CODES, transaction, type DataSet, type TxEntry } from './data.js';
import type { LoadedData } from './load.js';
import type { Rng } from './rng.js';
import type { Scenario } from './run-scenario.js';

export interface Target {
  /** Human-readable target, e.g. `p99 ≤ 50 ms`. */
  text: string;
  pass(r: { rps: number; p99: number; errors: number }, baselineRate: number): boolean;
}

export interface BenchScenario extends Scenario {
  target?: Target;
  /** Entries returned per search, sampled (how selective the searches are). */
  hits?: number[];
}

// Pre-built bodies: generating JSON per request would put the client's CPU on the measured path.
const BODY_POOL = 2000;

/** Counts entries of a searchset Bundle without keeping it; every 8th answer, to keep the client light. */
function counter(hits: number[]) {
  let n = 0;
  return (text: string) => {
    if (n++ % 8 !== 0) return;
    const bundle = JSON.parse(text) as { entry?: { search?: { mode?: string } }[] };
    hits.push((bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome').length);
  };
}

function noErrors(r: { errors: number }): boolean {
  return r.errors === 0;
}

export function scenarios(fhir: string, rng: Rng, data: DataSet, loaded: LoadedData): BenchScenario[] {
  const familyHits: number[] = [];
  const obsHits: number[] = [];
  const countFamily = counter(familyHits);
  const countObs = counter(obsHits);

  const patientBodies = Array.from({ length: BODY_POOL }, (_, i) =>
    JSON.stringify(data.patient(10_000_000 + i)),
  );
  const bundles = Array.from({ length: 64 }, () => {
    const patientUrl = `urn:uuid:${crypto.randomUUID()}`;
    const entries: TxEntry[] = [{ fullUrl: patientUrl, resource: data.patient(rng.int(1e8)) }];
    for (let i = 0; i < 99; i++) entries.push({ resource: data.observation(patientUrl) });
    return transaction(entries);
  });

  return [
    {
      name: 'read Patient',
      description: 'GET /Patient/{id}, id drawn uniformly from every loaded patient',
      next: () => ({ method: 'GET', path: `${fhir}/Patient/${rng.pick(loaded.patientIds)}` }),
      target: {
        text: '≥ 15% of raw PK select rate, p99 ≤ 20 ms',
        pass: (r, base) => noErrors(r) && r.rps >= 0.15 * base && r.p99 <= 20,
      },
    },
    {
      name: 'search Patient by family',
      description: 'GET /Patient?family={name}, name drawn from a loaded patient (15% frequent surnames)',
      next: () => ({
        method: 'GET',
        path: `${fhir}/Patient?family=${encodeURIComponent(rng.pick(loaded.families))}`,
      }),
      check: (res) => {
        if (res.status !== 200) return false;
        countFamily(res.text);
        return true;
      },
      hits: familyHits,
      target: { text: 'p99 ≤ 50 ms', pass: (r) => noErrors(r) && r.p99 <= 50 },
    },
    {
      name: 'search Observation',
      description:
        'GET /Observation?patient=Patient/{id}&code=http://loinc.org|{code}&date=ge{Y}-01-01&date=lt{Y+1}-01-01',
      next: () => {
        const year = FIRST_YEAR + rng.int(LAST_YEAR - FIRST_YEAR + 1);
        const code = rng.pick(OBSERVATION_CODES).code;
        const q = new URLSearchParams([
          ['patient', `Patient/${rng.pick(loaded.observationPatientIds)}`],
          ['code', `http://loinc.org|${code}`],
          ['date', `ge${year}-01-01`],
          ['date', `lt${year + 1}-01-01`],
        ]);
        return { method: 'GET', path: `${fhir}/Observation?${q}` };
      },
      check: (res) => {
        if (res.status !== 200) return false;
        countObs(res.text);
        return true;
      },
      hits: obsHits,
      target: { text: 'p99 ≤ 50 ms', pass: (r) => noErrors(r) && r.p99 <= 50 },
    },
    {
      name: 'create Patient',
      description: 'POST /Patient (server-assigned id, default Prefer: return=representation)',
      next: () => ({ method: 'POST', path: `${fhir}/Patient`, body: rng.pick(patientBodies) }),
      check: (res) => res.status === 201,
      target: { text: '≥ 2,000 req/s', pass: (r) => noErrors(r) && r.rps >= 2000 },
    },
    {
      name: 'transaction (100 entries)',
      description: 'POST / transaction Bundle: 1 Patient (urn:uuid) + 99 Observations referencing it',
      next: () => ({
        method: 'POST',
        path: fhir,
        body: rng.pick(bundles),
        headers: { prefer: 'return=minimal' },
      }),
      check: (res) => res.status === 200,
    },
  ];
}
