import { conceptText, type CodeableConcept } from './fhir-text.js';
import { preferencesOf, type PatientWithPreferences } from './preferences.js';

export interface CarePlan {
  id?: string;
  status?: string;
  title?: string;
  activity?: { detail?: { code?: CodeableConcept; description?: string; status?: string } }[];
}

export type OpenActivityStatus = 'not-started' | 'scheduled' | 'in-progress';

export interface PlanToDo {
  kind: 'plan';
  key: string;
  text: string;
  status: OpenActivityStatus;
  plan: string;
}

export type ToDo = PlanToDo | { kind: 'add-contact'; key: string } | { kind: 'pick-channels'; key: string };

const OPEN: readonly string[] = ['not-started', 'scheduled', 'in-progress'];

/**
 * What the patient has to do, from their record: the open activities of their active care plans
 * (what is not started comes first), then, on their own account, the profile gaps that would stop
 * OpenVisit from reminding them of visits. A caregiver sees the plan, not the profile items.
 */
export function thingsToDo(patient: PatientWithPreferences, plans: CarePlan[], ownRecord: boolean): ToDo[] {
  const fromPlans: PlanToDo[] = [];
  for (const plan of plans) {
    if (plan.status !== 'active') continue;
    (plan.activity ?? []).forEach((a, i) => {
      const status = a.detail?.status ?? '';
      const text = conceptText(a.detail?.code) || a.detail?.description || '';
      if (!OPEN.includes(status) || !text) return;
      fromPlans.push({
        kind: 'plan',
        key: `${plan.id ?? ''}/${i}`,
        text,
        status: status as OpenActivityStatus,
        plan: plan.title ?? '',
      });
    });
  }
  // Stable: not started, then scheduled, then ongoing; the plan's own order within each.
  fromPlans.sort((a, b) => OPEN.indexOf(a.status) - OPEN.indexOf(b.status));
  if (!ownRecord) return fromPlans;
  const prefs = preferencesOf(patient, { language: 'en', timeZone: 'UTC' });
  if (!prefs.email && !prefs.phone) return [...fromPlans, { kind: 'add-contact', key: 'add-contact' }];
  if (prefs.channels.length === 0) return [...fromPlans, { kind: 'pick-channels', key: 'pick-channels' }];
  return fromPlans;
}
