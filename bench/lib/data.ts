import { FamilyNames, givenName } from './names.js';
import type { Rng } from './rng.js';

export type Json = Record<string, unknown>;

const CITIES = [
  ['Boston', 'MA', '021'],
  ['Chicago', 'IL', '606'],
  ['Houston', 'TX', '770'],
  ['Phoenix', 'AZ', '850'],
  ['Seattle', 'WA', '981'],
  ['Denver', 'CO', '802'],
  ['Atlanta', 'GA', '303'],
  ['Portland', 'OR', '972'],
] as const;

const STREETS = [
  'Main St',
  'Oak Ave',
  'Maple Dr',
  'Cedar Ln',
  'Elm St',
  'Park Rd',
  'Lake View Blvd',
  'Hill St',
];

/** The LOINC observations of the data set: vital signs and one lab, with plausible value ranges. */
export const OBSERVATION_CODES = [
  {
    code: '8867-4',
    display: 'Heart rate',
    unit: '/min',
    ucum: '/min',
    lo: 50,
    hi: 120,
    category: 'vital-signs',
  },
  {
    code: '8480-6',
    display: 'Systolic blood pressure',
    unit: 'mmHg',
    ucum: 'mm[Hg]',
    lo: 95,
    hi: 175,
    category: 'vital-signs',
  },
  {
    code: '29463-7',
    display: 'Body weight',
    unit: 'kg',
    ucum: 'kg',
    lo: 45,
    hi: 130,
    category: 'vital-signs',
  },
  {
    code: '8310-5',
    display: 'Body temperature',
    unit: 'Cel',
    ucum: 'Cel',
    lo: 36,
    hi: 39.5,
    category: 'vital-signs',
  },
  {
    code: '2339-0',
    display: 'Glucose [Mass/volume] in Blood',
    unit: 'mg/dL',
    ucum: 'mg/dL',
    lo: 65,
    hi: 220,
    category: 'laboratory',
  },
] as const;

/** Observation dates span these years (inclusive), so a one-year range search selects about 1/6. */
export const FIRST_YEAR = 2019;
export const LAST_YEAR = 2024;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export class DataSet {
  readonly families: FamilyNames;

  constructor(
    private readonly rng: Rng,
    patients: number,
  ) {
    this.families = new FamilyNames(rng, patients);
  }

  patient(n: number): Json {
    const r = this.rng;
    const gender = r.next() < 0.5 ? 'female' : 'male';
    const [city, state, zip] = r.pick(CITIES);
    const given = [givenName(r)];
    if (r.next() < 0.4) given.push(givenName(r));
    return {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: `MRN${pad(n, 8)}` }],
      active: true,
      name: [{ use: 'official', family: this.families.pick(r), given }],
      telecom: [
        { system: 'phone', value: `+1-555-${pad(r.int(1000), 3)}-${pad(r.int(10000), 4)}`, use: 'home' },
      ],
      gender,
      birthDate: `${1930 + r.int(90)}-${pad(1 + r.int(12), 2)}-${pad(1 + r.int(28), 2)}`,
      address: [
        {
          use: 'home',
          line: [`${1 + r.int(9999)} ${r.pick(STREETS)}`],
          city,
          state,
          postalCode: `${zip}${pad(r.int(100), 2)}`,
          country: 'US',
        },
      ],
    };
  }

  /** An observation of `subject` (a `Patient/id` or a transaction's `urn:uuid:`). */
  observation(subject: string): Json {
    const r = this.rng;
    const c = r.pick(OBSERVATION_CODES);
    const year = FIRST_YEAR + r.int(LAST_YEAR - FIRST_YEAR + 1);
    const when = new Date(Date.UTC(year, r.int(12), 1 + r.int(28), r.int(24), r.int(60))).toISOString();
    const value = Math.round((c.lo + r.next() * (c.hi - c.lo)) * 10) / 10;
    return {
      resourceType: 'Observation',
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: c.category },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: c.code, display: c.display }], text: c.display },
      subject: { reference: subject },
      effectiveDateTime: when,
      valueQuantity: { value, unit: c.unit, system: 'http://unitsofmeasure.org', code: c.ucum },
    };
  }
}

export interface TxEntry {
  fullUrl?: string;
  resource: Json;
}

/** A transaction Bundle that creates every entry (POST to its type). */
export function transaction(entries: TxEntry[]): string {
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: entries.map((e) => ({
      ...(e.fullUrl ? { fullUrl: e.fullUrl } : {}),
      resource: e.resource,
      request: { method: 'POST', url: e.resource.resourceType },
    })),
  });
}
