// Timing of validateResource on typical resources. Not a test: run with
//   node --import tsx server/test/validation/validate-resource.bench.ts
import fs from 'node:fs';
import { readPackageJson } from '../../src/fhir/definitions/index.js';
import { validateResource } from '../../src/fhir/validation/index.js';

const SYNTHEA_DIR = new URL('../../../../shared/data/synthea-r4/', import.meta.url);

interface BundleJson {
  entry: { resource: { resourceType: string } }[];
}

function syntheaSample(type: string): unknown {
  const file = fs.readdirSync(SYNTHEA_DIR).find((f) => f.endsWith('.json'));
  if (!file) throw new Error('no Synthea bundle');
  const bundle = JSON.parse(fs.readFileSync(new URL(file, SYNTHEA_DIR), 'utf8')) as BundleJson;
  const entry = bundle.entry.find((e) => e.resource.resourceType === type);
  if (!entry) throw new Error(`no ${type} in ${file}`);
  return entry.resource;
}

const samples: [string, unknown][] = [
  ['Patient-example.json', readPackageJson('Patient-example.json')],
  ['Observation-example.json', readPackageJson('Observation-example.json')],
  ['Observation-bmi.json', readPackageJson('Observation-bmi.json')],
  ['Synthea Patient', syntheaSample('Patient')],
  ['Synthea Observation', syntheaSample('Observation')],
  ['Synthea ExplanationOfBenefit', syntheaSample('ExplanationOfBenefit')],
];

for (const [name, resource] of samples) {
  if (validateResource(resource).length > 0) throw new Error(`${name} is expected to be valid`);
  for (let i = 0; i < 2000; i++) validateResource(resource);
  const rounds = 20000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) validateResource(resource);
  const micros = Number(process.hrtime.bigint() - start) / 1000 / rounds;
  console.log(`${name.padEnd(32)} ${micros.toFixed(2)} µs/validation`);
}
