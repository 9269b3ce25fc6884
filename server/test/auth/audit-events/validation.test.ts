import { auditEventsOf } from '../../../src/auth/audit/entries.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditRecord } from '../../../src/auth/audit/audit-log.js';
import {
  buildAuditEvent,
  patientsOf,
  type AccessRecord,
  type AuditEvent,
} from '../../../src/auth/audit/events/index.js';
import { validateResource } from '../../../src/fhir/validation/index.js';
import { ALL_ACTIONS, RECORDED, access } from './fixtures.js';

/** `code expression` per issue: enough to see what is wrong when a case fails. */
const problems = (resource: unknown) =>
  validateResource(resource, { resourceType: 'AuditEvent' }).map(
    (i) => `${i.code} ${(i.expression ?? []).join(',')}`,
  );

/** As the log stores it: JSON, with its own `recorded`. */
const stored = (event: AuditEvent): unknown => ({
  ...(JSON.parse(JSON.stringify(event)) as object),
  recorded: new Date().toISOString(),
});

const variants = (action: AccessRecord['action']): AccessRecord[] => {
  const base = access({ action, query: `${action}?x=1` });
  return [
    base,
    access({ action, outcome: 'denied', outcomeCode: 'scope-missing' }),
    access({ action, outcome: 'failure', resources: [], patients: [] }),
    access({ action, breakGlassReason: 'Unresponsive, needs medication list' }),
    access({ action, searchScope: 'system', patients: ['Patient/a', 'Patient/b', 'Patient/c'] }),
    access({ action, searchScope: 'type', resources: ['Observation/1/_history/2', 'Encounter/e'] }),
    {
      ...base,
      agent: {
        sub: 'acc-1',
        roles: [],
        fhirUser: 'https://x.example/fhir/Patient/1',
        address: 'host.example',
      },
    },
    { ...base, agent: { sub: 'acc-2', roles: ['front desk', 'tenant-admin'], purposeOfUse: 'not a code' } },
    {
      ...base,
      agent: { sub: ' ', roles: ['caregiver'], display: '\u0000', address: '::1', clientId: 'app' },
    },
    { ...base, observer: { name: '', site: '\n' } },
  ];
};

describe('built audit events validate against the R4 AuditEvent StructureDefinition', () => {
  for (const action of ALL_ACTIONS) {
    it(action, () => {
      for (const record of variants(action)) {
        const event = buildAuditEvent(record, RECORDED);
        assert.deepEqual(problems(event), [], JSON.stringify(record));
        assert.deepEqual(problems(stored(event)), [], JSON.stringify(record));
      }
    });
  }

  it('the check is live: a broken event is reported', () => {
    const event = buildAuditEvent(access(), RECORDED);
    const withoutRecorded: Record<string, unknown> = { ...event };
    delete withoutRecorded.recorded;
    assert.deepEqual(problems(withoutRecorded), ['required AuditEvent.recorded']);
    assert.deepEqual(problems({ ...event, action: 'X' }), ['code-invalid AuditEvent.action']);
    assert.deepEqual(problems({ ...event, outcome: '5' }), ['code-invalid AuditEvent.outcome']);
    const agent = [{ ...event.agent[0], who: { reference: 'Group/1' } }];
    assert.deepEqual(problems({ ...event, agent }), ['invalid AuditEvent.agent[0].who.reference']);
  });

  it('is what the audit log stores and rebuilds, with the patients it names', () => {
    const stored = access({ patients: ['Patient/a', 'Patient/b/_history/2', 'Patient/a'] });
    const { observer: _observer, ...compact } = stored;
    const record: AuditRecord = { access: compact, patients: stored.patients };
    const text = JSON.stringify({ v: 2, accesses: [record.access] });
    const [rebuilt] = auditEventsOf(text, new Date(RECORDED), '7');
    assert.ok(rebuilt);
    assert.equal(rebuilt.id, '7-0');
    assert.deepEqual(problems(rebuilt), []);
    assert.deepEqual(patientsOf(rebuilt), ['Patient/a', 'Patient/b']);
    assert.deepEqual(patientsOf(buildAuditEvent(access({ action: 'login', patients: [] }), RECORDED)), []);
  });
});
