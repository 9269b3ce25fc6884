import fs from 'node:fs';
import type { DemoBundle } from './types.js';

export type * from './types.js';

// Data, not code: JSON files next to this module (the build copies them into dist).
function load(name: string): DemoBundle {
  return JSON.parse(fs.readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')) as DemoBundle;
}

/**
 * The demo patients, in the order the seed uses them: the first is `patient@demo`'s own record, the
 * second the dependent of `caregiver@demo`, the third reached by nobody but break-glass. Each is a
 * Synthea R4 sample patient (synthetic, no PHI) without its Claim and ExplanationOfBenefit entries.
 */
export const DEMO_PATIENT_BUNDLES: readonly DemoBundle[] = [
  'clemente-kreiger',
  'buster-hoeger',
  'ned-hintz',
].map(load);
