import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNELS_EXTENSION } from '../src/api/preferences.js';
import { thingsToDo, type CarePlan } from '../src/api/things-to-do.js';

const plan: CarePlan = {
  id: 'cp1',
  status: 'active',
  title: 'Weight management plan',
  activity: [
    { detail: { code: { text: 'Walk for 30 minutes' }, status: 'in-progress' } },
    { detail: { code: { text: 'Read the guide' }, status: 'completed' } },
    { detail: { description: 'Fasting blood test', status: 'not-started' } },
    { detail: { code: { coding: [{ display: 'Book a follow-up' }] }, status: 'scheduled' } },
    { detail: { code: { text: 'Stopped exercise' }, status: 'stopped' } },
    { detail: { status: 'not-started' } },
  ],
};

const reachable = {
  resourceType: 'Patient' as const,
  telecom: [{ system: 'email', value: 'a@example.org' }],
  extension: [{ url: CHANNELS_EXTENSION, valueCode: 'email' }],
};

describe('things to do on the home page', () => {
  it('lists the open activities of active plans, not started first, and nothing closed or unnamed', () => {
    const items = thingsToDo(reachable, [plan], true);
    assert.deepEqual(
      items.map((i) => (i.kind === 'plan' ? [i.status, i.text, i.plan] : [i.kind])),
      [
        ['not-started', 'Fasting blood test', 'Weight management plan'],
        ['scheduled', 'Book a follow-up', 'Weight management plan'],
        ['in-progress', 'Walk for 30 minutes', 'Weight management plan'],
      ],
    );
    assert.equal(new Set(items.map((i) => i.key)).size, items.length);
  });

  it('ignores plans that are not active', () => {
    assert.deepEqual(thingsToDo(reachable, [{ ...plan, status: 'completed' }], true), []);
  });

  it('asks the patient for a way to reach them, then for their reminder channels', () => {
    const noContact = thingsToDo({ resourceType: 'Patient' }, [], true);
    assert.deepEqual(
      noContact.map((i) => i.kind),
      ['add-contact'],
    );
    const noChannels = thingsToDo(
      { resourceType: 'Patient', telecom: [{ system: 'phone', use: 'mobile', value: '+15550100' }] },
      [],
      true,
    );
    assert.deepEqual(
      noChannels.map((i) => i.kind),
      ['pick-channels'],
    );
    // A home phone is no way to send a text or an email.
    const homePhone = thingsToDo(
      { resourceType: 'Patient', telecom: [{ system: 'phone', use: 'home', value: '+15550100' }] },
      [],
      true,
    );
    assert.deepEqual(
      homePhone.map((i) => i.kind),
      ['add-contact'],
    );
  });

  it('shows a caregiver the plan but not the patient’s own profile gaps', () => {
    const items = thingsToDo({ resourceType: 'Patient' }, [plan], false);
    assert.ok(items.length > 0);
    assert.ok(items.every((i) => i.kind === 'plan'));
  });
});
