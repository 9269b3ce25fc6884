import { busterHoeger } from './buster-hoeger.js';
import { clementeKreiger } from './clemente-kreiger.js';
import { nedHintz } from './ned-hintz.js';
import type { DemoBundle } from './types.js';

export type * from './types.js';

/**
 * The demo patients, in the order the seed uses them: the first is `patient@demo`'s own record, the
 * second the dependent of `caregiver@demo`, the third reached by nobody but break-glass.
 */
export const DEMO_PATIENT_BUNDLES: readonly DemoBundle[] = [clementeKreiger, busterHoeger, nedHintz];
