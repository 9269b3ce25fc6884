import type { AccessAction, AccessRecord } from '../../../src/auth/audit/events/index.js';

export const ALL_ACTIONS: readonly AccessAction[] = [
  'read',
  'vread',
  'search',
  'create',
  'update',
  'patch',
  'delete',
  'history',
  'transaction',
  'batch',
  'export',
  'operation',
  'login',
  'logout',
  'token',
  'break-glass',
];

export const RECORDED = new Date('2025-03-04T05:06:07.089Z');

/** A clinician reading one observation through the web app; override what a test is about. */
export function access(overrides: Partial<AccessRecord> = {}): AccessRecord {
  return {
    action: 'read',
    outcome: 'success',
    agent: {
      sub: 'acc-42',
      roles: ['clinician'],
      fhirUser: 'Practitioner/dr-1',
      display: 'Dr Ada Lovelace',
      clientId: 'openvisit-web',
      address: '203.0.113.7',
      purposeOfUse: 'TREAT',
    },
    resources: ['Observation/obs-1'],
    patients: ['Patient/p-1'],
    observer: { name: 'OpenVisit', site: 'clinic-eu' },
    ...overrides,
  };
}
