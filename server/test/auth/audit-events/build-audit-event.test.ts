import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildAuditEvent,
  type AccessAction,
  type AccessRecord,
  type AuditEvent,
  type SearchScope,
} from '../../../src/auth/audit/events/index.js';
import { ALL_ACTIONS, RECORDED, access } from './fixtures.js';

const REST = 'http://terminology.hl7.org/CodeSystem/audit-event-type|rest';
const RI = 'http://hl7.org/fhir/restful-interaction';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

const build = (overrides: Partial<AccessRecord> = {}) => buildAuditEvent(access(overrides), RECORDED);
const token = (c: { system?: string; code?: string } | undefined) => `${c?.system}|${c?.code}`;
const summary = (e: AuditEvent) => ({
  type: token(e.type),
  subtype: (e.subtype ?? []).map(token),
  action: e.action,
});
const byRole = (e: AuditEvent, role: string) => (e.entity ?? []).filter((x) => x.role?.code === role);
const user = (e: AuditEvent) => e.agent.find((a) => a.requestor);
const client = (e: AuditEvent) => e.agent.find((a) => !a.requestor);

describe('buildAuditEvent: type, subtype and action per access', () => {
  const rows: [AccessAction, SearchScope | undefined, string, string[], string][] = [
    ['read', undefined, REST, [`${RI}|read`], 'R'],
    ['vread', undefined, REST, [`${RI}|vread`], 'R'],
    ['search', undefined, REST, [`${RI}|search-type`], 'E'],
    ['search', 'type', REST, [`${RI}|search-type`], 'E'],
    ['search', 'instance', REST, [`${RI}|search-type`], 'E'],
    ['search', 'system', REST, [`${RI}|search-system`], 'E'],
    ['history', undefined, REST, [`${RI}|history-instance`], 'R'],
    ['history', 'instance', REST, [`${RI}|history-instance`], 'R'],
    ['history', 'type', REST, [`${RI}|history-type`], 'E'],
    ['history', 'system', REST, [`${RI}|history-system`], 'E'],
    ['create', undefined, REST, [`${RI}|create`], 'C'],
    ['update', undefined, REST, [`${RI}|update`], 'U'],
    ['patch', undefined, REST, [`${RI}|patch`], 'U'],
    ['delete', undefined, REST, [`${RI}|delete`], 'D'],
    ['transaction', undefined, REST, [`${RI}|transaction`], 'E'],
    ['batch', undefined, REST, [`${RI}|batch`], 'E'],
    ['operation', undefined, REST, [`${RI}|operation`], 'E'],
    ['export', undefined, REST, [`${RI}|operation`, `${DCM}|110106`], 'E'],
    ['login', undefined, `${DCM}|110114`, [`${DCM}|110122`], 'E'],
    ['logout', undefined, `${DCM}|110114`, [`${DCM}|110123`], 'E'],
    ['token', undefined, `${DCM}|110114`, ['urn:ihe:event-type-code|ITI-71'], 'E'],
    ['break-glass', undefined, `${DCM}|110113`, [`${DCM}|110127`], 'E'],
  ];

  for (const [action, searchScope, type, subtype, code] of rows) {
    it(`${action}${searchScope ? ` (${searchScope})` : ''} → ${type} ${subtype.join(' + ')} ${code}`, () => {
      assert.deepEqual(summary(build({ action, searchScope })), { type, subtype, action: code });
    });
  }

  it('covers every action', () => {
    assert.deepEqual([...new Set(rows.map((r) => r[0]))].sort(), [...ALL_ACTIONS].sort());
  });

  it('types the user by what they did (BALP: author of changes, recipient of reads)', () => {
    const userType = (action: AccessAction) => token(user(build({ action }))?.type?.coding?.[0]);
    const participation = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
    for (const action of ['create', 'update', 'patch', 'delete'] as const) {
      assert.equal(userType(action), `${participation}|AUT`, action);
    }
    for (const action of ['read', 'vread', 'search', 'history', 'export', 'operation', 'token'] as const) {
      assert.equal(userType(action), `${participation}|IRCP`, action);
    }
    for (const action of ['login', 'logout', 'break-glass'] as const) {
      assert.equal(
        userType(action),
        'http://terminology.hl7.org/CodeSystem/extra-security-role-type|humanuser',
      );
    }
  });
});

describe('buildAuditEvent: entities', () => {
  it('names each patient once (role 1, Person), dropping versions', () => {
    const event = build({ patients: ['Patient/a', 'Patient/b', 'Patient/a', 'Patient/b/_history/3'] });
    const patients = byRole(event, '1');
    assert.deepEqual(
      patients.map((p) => p.what?.reference),
      ['Patient/a', 'Patient/b'],
    );
    for (const p of patients) {
      assert.equal(token(p.role), 'http://terminology.hl7.org/CodeSystem/object-role|1');
      assert.equal(token(p.type), 'http://terminology.hl7.org/CodeSystem/audit-entity-type|1');
    }
    assert.deepEqual(byRole(build({ patients: [] }), '1'), []);
  });

  it('names each touched resource (role 4, System Object), keeping the version', () => {
    const event = build({
      resources: ['Observation/1/_history/2', 'Condition/c', 'Observation/1/_history/2'],
    });
    const resources = byRole(event, '4');
    assert.deepEqual(
      resources.map((r) => r.what?.reference),
      ['Observation/1/_history/2', 'Condition/c'],
    );
    for (const r of resources)
      assert.equal(token(r.type), 'http://terminology.hl7.org/CodeSystem/audit-entity-type|2');
  });

  it('leaves out entity when nothing was touched', () => {
    assert.equal(build({ action: 'login', resources: [], patients: [] }).entity, undefined);
  });

  it('refuses patients and resources that are not plain references, without echoing them', () => {
    const secret = 'Patient?name=Smith';
    for (const patients of [['Observation/1'], [secret], ['Smith'], ['Patient/'], ['urn:uuid:1']]) {
      assert.throws(
        () => build({ patients }),
        (e: unknown) => e instanceof TypeError && /patient/.test(e.message) && !e.message.includes('Smith'),
      );
    }
    for (const resources of [['Observation?code=1'], ['Foo/1'], ['http://x.org/fhir/Observation/1'], ['1']]) {
      assert.throws(() => build({ resources }), TypeError);
    }
  });
});

describe('buildAuditEvent: query', () => {
  it('stores the request base64 in a Query entity (role 24) and it decodes to exactly the request', () => {
    const queries = [
      'Observation?patient=Patient/p-1&code=http://loinc.org|8867-4&_count=10',
      'Patient?name=Müller&birthdate=1970-01-01',
      "Patient?name=x' OR 1=1;--&_text=<script>alert(1)</script>",
      '$export?_type=Patient,Observation',
      'Observation?code=😀',
    ];
    for (const query of queries) {
      const event = build({ action: 'search', query });
      const entities = byRole(event, '24');
      assert.equal(entities.length, 1);
      const entity = entities[0];
      assert.ok(entity?.query !== undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(entity.query));
      assert.equal(Buffer.from(entity.query, 'base64').toString('utf8'), query);
      assert.equal(token(entity.type), 'http://terminology.hl7.org/CodeSystem/audit-entity-type|2');
      // Nothing of the query in clear text anywhere (search values are often PHI).
      const json = JSON.stringify(event);
      assert.ok(!json.includes(query) && !json.includes('name='), query);
      assert.equal(entity.what, undefined);
      assert.deepEqual(Object.keys(entity).sort(), ['query', 'role', 'type']);
    }
  });

  it('has no Query entity without a query', () => {
    assert.deepEqual(byRole(build(), '24'), []);
    assert.deepEqual(byRole(build({ query: '' }), '24'), []);
  });
});

describe('buildAuditEvent: outcome', () => {
  it('records success as 0 without a description', () => {
    const event = build();
    assert.equal(event.outcome, '0');
    assert.equal(event.outcomeDesc, undefined);
  });

  it('records a denial as 4 with its short code', () => {
    const event = build({ outcome: 'denied', outcomeCode: 'not-in-care-team' });
    assert.equal(event.outcome, '4');
    assert.equal(event.outcomeDesc, 'not-in-care-team');
    assert.equal(build({ outcome: 'denied' }).outcomeDesc, 'denied');
  });

  it('records a failure as 8', () => {
    const event = build({ outcome: 'failure' });
    assert.equal(event.outcome, '8');
    assert.equal(event.outcomeDesc, 'failure');
    assert.equal(
      build({ outcome: 'failure', outcomeCode: 'storage.timeout' }).outcomeDesc,
      'storage.timeout',
    );
  });

  it('never writes free text as the outcome description', () => {
    for (const outcomeCode of [
      'Patient John Smith has HIV',
      'a b',
      '',
      ' denied',
      'x'.repeat(65),
      'bad\ncode',
    ]) {
      const event = build({ outcome: 'denied', outcomeCode });
      assert.equal(event.outcomeDesc, 'denied', outcomeCode);
      assert.ok(!JSON.stringify(event).includes('Smith'));
    }
  });
});

describe('buildAuditEvent: break-glass', () => {
  const reason = 'Unconscious in ED, allergy history needed';

  it('labels the event BTG, with purpose ETREAT carrying the typed reason', () => {
    const event = build({ action: 'break-glass', breakGlassReason: reason });
    assert.deepEqual(event.meta?.security.map(token), [`${ACT_REASON}|BTG`]);
    const purposes = user(event)?.purposeOfUse ?? [];
    assert.equal(token(purposes[0]?.coding?.[0]), `${ACT_REASON}|ETREAT`);
    assert.equal(purposes[0]?.text, reason);
    // The purpose the token carried is kept next to it.
    assert.deepEqual(
      purposes.map((p) => token(p.coding?.[0])),
      [`${ACT_REASON}|ETREAT`, `${ACT_REASON}|TREAT`],
    );
  });

  it('labels every access made under break-glass, whatever the action', () => {
    const event = build({ action: 'read', breakGlassReason: reason });
    assert.equal(summary(event).subtype[0], `${RI}|read`);
    assert.equal(event.meta?.security[0]?.code, 'BTG');
    assert.equal(user(event)?.purposeOfUse?.[0]?.text, reason);
  });

  it('does not label ordinary access, and keeps its purpose as given', () => {
    const event = build();
    assert.equal(event.meta, undefined);
    assert.deepEqual(user(event)?.purposeOfUse, [{ coding: [{ system: ACT_REASON, code: 'TREAT' }] }]);
  });

  it('does not repeat ETREAT, and cleans the reason into a valid string', () => {
    const base = access({ action: 'break-glass', breakGlassReason: '  cardiac\u0000arrest\n\n  now\t' });
    const event = buildAuditEvent({ ...base, agent: { ...base.agent, purposeOfUse: 'ETREAT' } }, RECORDED);
    assert.deepEqual(user(event)?.purposeOfUse, [
      {
        coding: [{ system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' }],
        text: 'cardiac arrest now',
      },
    ]);
    const long = build({ action: 'break-glass', breakGlassReason: 'é'.repeat(5000) });
    assert.equal(user(long)?.purposeOfUse?.[0]?.text?.length, 1000);
    // A reason that is only whitespace is still a break-glass (the label stays), just without text.
    const blank = build({ action: 'read', breakGlassReason: ' \n ' });
    assert.equal(blank.meta?.security[0]?.code, 'BTG');
    assert.equal(user(blank)?.purposeOfUse?.[0]?.text, undefined);
  });
});

describe('buildAuditEvent: agents and source', () => {
  it('names the user by FHIR user and account, with roles, name and purpose, as the requestor', () => {
    const event = build({ agent: { ...access().agent, roles: ['clinician', 'nurse', 'clinician'] } });
    const u = user(event);
    assert.deepEqual(u?.who, {
      reference: 'Practitioner/dr-1',
      identifier: { system: 'urn:openvisit:account', value: 'acc-42' },
    });
    assert.equal(u?.requestor, true);
    assert.equal(u?.name, 'Dr Ada Lovelace');
    assert.deepEqual(u?.role, [
      { coding: [{ system: 'urn:openvisit:role', code: 'clinician' }] },
      { coding: [{ system: 'urn:openvisit:role', code: 'nurse' }] },
    ]);
    assert.equal(event.agent.filter((a) => a.requestor).length, 1);
  });

  it('falls back to the account alone when the FHIR user is unknown or not an allowed agent', () => {
    for (const fhirUser of [undefined, 'Group/g1', 'Person/p1', 'Practitioner?name=x', 'not a reference']) {
      const base = access();
      const event = buildAuditEvent({ ...base, agent: { ...base.agent, fhirUser } }, RECORDED);
      assert.deepEqual(user(event)?.who, {
        identifier: { system: 'urn:openvisit:account', value: 'acc-42' },
      });
    }
    const base = access();
    for (const fhirUser of [
      'Patient/p-1',
      'RelatedPerson/r1',
      'https://ehr.example.org/fhir/Practitioner/9',
    ]) {
      const event = buildAuditEvent({ ...base, agent: { ...base.agent, fhirUser } }, RECORDED);
      assert.equal(user(event)?.who?.reference, fhirUser);
    }
  });

  it('adds the client app as a second agent carrying the network address (BALP)', () => {
    const event = build();
    assert.equal(event.agent.length, 2);
    assert.deepEqual(client(event), {
      type: { coding: [{ system: DCM, code: '110150', display: 'Application' }] },
      who: { identifier: { system: 'urn:openvisit:client', value: 'openvisit-web' } },
      requestor: false,
      network: { address: '203.0.113.7', type: '2' },
    });
    assert.equal(user(event)?.network, undefined);
  });

  it('puts the address on the user when there is no client app; host names are machine names', () => {
    const base = access();
    const without = (address: string) =>
      buildAuditEvent({ ...base, agent: { ...base.agent, clientId: undefined, address } }, RECORDED);
    assert.equal(without('10.1.2.3').agent.length, 1);
    assert.deepEqual(user(without('10.1.2.3'))?.network, { address: '10.1.2.3', type: '2' });
    assert.deepEqual(user(without('2001:db8::1'))?.network, { address: '2001:db8::1', type: '2' });
    assert.deepEqual(user(without('ws1.clinic.example'))?.network, {
      address: 'ws1.clinic.example',
      type: '1',
    });
    assert.equal(user(without('  '))?.network, undefined);
  });

  it('keeps roles and purposes that are not codes as text instead of invalid codes', () => {
    const base = access();
    const event = buildAuditEvent(
      { ...base, agent: { ...base.agent, roles: ['front desk'], purposeOfUse: 'because I said so' } },
      RECORDED,
    );
    assert.deepEqual(user(event)?.role, [{ text: 'front desk' }]);
    assert.deepEqual(user(event)?.purposeOfUse, [{ text: 'because I said so' }]);
  });

  it('identifies the observer as an application server', () => {
    assert.deepEqual(build().source, {
      site: 'clinic-eu',
      observer: { display: 'OpenVisit' },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    });
  });
});

describe('buildAuditEvent: purity', () => {
  it('sets recorded from the argument and gives the same event for the same input', () => {
    const record = access({ action: 'search', query: 'Observation?code=1', breakGlassReason: 'x' });
    const copy = structuredClone(record);
    const a = buildAuditEvent(record, RECORDED);
    assert.equal(a.recorded, '2025-03-04T05:06:07.089Z');
    assert.deepEqual(buildAuditEvent(record, RECORDED), a);
    assert.deepEqual(record, copy);
  });

  it('shares no mutable state between events', () => {
    const first = build({ action: 'break-glass', breakGlassReason: 'r' });
    try {
      first.type.code = 'changed';
      if (first.meta) first.meta.security[0] = { system: 'x', code: 'y' };
    } catch {
      // Shared codings are frozen; either way the next event must be unaffected.
    }
    const next = build({ action: 'break-glass', breakGlassReason: 'r' });
    assert.equal(next.type.code, '110113');
    assert.equal(next.meta?.security[0]?.code, 'BTG');
  });
});
