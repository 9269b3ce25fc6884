import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildAuditEvent,
  describeAccess,
  type AccessRecord,
  type AuditEvent,
} from '../../../src/auth/audit/events/index.js';
import { ALL_ACTIONS, RECORDED, access } from './fixtures.js';

/** Described as read back from the log: plain JSON, nothing but the event. */
const summarize = (overrides: Partial<AccessRecord> = {}) =>
  describeAccess(JSON.parse(JSON.stringify(buildAuditEvent(access(overrides), RECORDED))) as AuditEvent);

describe('describeAccess', () => {
  it('summarizes an access as codes', () => {
    assert.deepEqual(summarize(), {
      when: '2025-03-04T05:06:07.089Z',
      action: 'read',
      who: 'Dr Ada Lovelace',
      role: 'clinician',
      what: 'Observation',
      why: 'TREAT',
      outcome: 'success',
      breakGlass: false,
    });
  });

  it('reads back every action, whatever the scope', () => {
    for (const action of ALL_ACTIONS) {
      for (const searchScope of [undefined, 'type', 'system', 'instance'] as const) {
        assert.equal(summarize({ action, searchScope }).action, action, `${action} ${searchScope}`);
      }
    }
  });

  it('names who by name, else FHIR user, else account', () => {
    const agent = access().agent;
    assert.equal(summarize({ agent: { ...agent, display: undefined } }).who, 'Practitioner/dr-1');
    assert.equal(summarize({ agent: { ...agent, display: undefined, fhirUser: undefined } }).who, 'acc-42');
    assert.equal(summarize({ agent: { ...agent, roles: ['clinician', 'nurse'] } }).role, 'clinician,nurse');
    assert.equal(summarize({ agent: { ...agent, roles: [] } }).role, '');
    assert.equal(summarize({ agent: { ...agent, purposeOfUse: undefined } }).why, '');
  });

  it('says what was touched: resource types, else the queried type, else * or nothing', () => {
    assert.equal(
      summarize({ resources: ['Observation/1', 'Condition/2', 'Observation/3/_history/1'] }).what,
      'Observation,Condition',
    );
    const search = (query: string) => summarize({ action: 'search', resources: [], query }).what;
    assert.equal(search('Observation?code=1234-5'), 'Observation');
    assert.equal(search('Patient/p-1/$everything'), 'Patient');
    assert.equal(search('?_type=Observation'), '*');
    assert.equal(search('$export'), '*');
    assert.equal(summarize({ action: 'login', resources: [], patients: [] }).what, '');
  });

  it('reports denials, failures and break-glass', () => {
    assert.equal(summarize({ outcome: 'denied', outcomeCode: 'not-in-care-team' }).outcome, 'denied');
    assert.equal(summarize({ outcome: 'failure' }).outcome, 'failure');
    const glass = summarize({ action: 'break-glass', breakGlassReason: 'Unconscious, Jane Roe' });
    assert.equal(glass.breakGlass, true);
    assert.equal(glass.why, 'ETREAT');
    assert.equal(summarize({ action: 'read', breakGlassReason: 'x' }).breakGlass, true);
  });

  it('copies no free text or query values into the summary', () => {
    const summary = summarize({
      action: 'search',
      query: 'Patient?name=Roe&birthdate=1970-01-01',
      breakGlassReason: 'Unconscious, Jane Roe',
    });
    assert.ok(!JSON.stringify(summary).includes('Roe'));
  });

  it('copes with events written by others (minimal, unknown codes, no recorded time)', () => {
    const event: AuditEvent = {
      resourceType: 'AuditEvent',
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      action: 'R',
      outcome: '12',
      agent: [{ who: { reference: 'Practitioner/dr0' }, requestor: false }],
      source: { observer: { display: 'OpenVisit' } },
      entity: [{ what: { reference: 'Patient/p1' } }],
    };
    assert.deepEqual(describeAccess(event), {
      when: '',
      action: 'unknown',
      who: 'Practitioner/dr0',
      role: '',
      what: '',
      why: '',
      outcome: 'failure',
      breakGlass: false,
    });
  });
});
