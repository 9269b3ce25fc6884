import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayName, firstName, medicalRecordNumber } from '../src/api/fhir-text.js';
import { ageOn, formatDate, formatNumber } from '../src/i18n/format.js';

describe('formatting', () => {
  it('shows a FHIR date as a calendar date in any time zone, per locale', () => {
    assert.equal(formatDate('1984-07-02', 'en', 'Pacific/Honolulu'), 'July 2, 1984');
    assert.equal(formatDate('1984-07-02', 'es', 'Asia/Tokyo'), '2 de julio de 1984');
    assert.equal(formatDate('1984-07', 'en', 'UTC'), 'July 1984');
    assert.equal(formatDate('1984', 'en', 'UTC'), '1984');
  });

  it('shows an instant in the user time zone', () => {
    const value = '2026-03-08T09:30:00Z';
    assert.match(formatDate(value, 'en', 'America/New_York'), /March 8, 2026.*5:30/);
    assert.match(formatDate(value, 'es', 'Europe/Madrid'), /8 de marzo de 2026.*10:30/);
    assert.equal(formatDate('not a date', 'en', 'UTC'), 'not a date');
  });

  it('counts whole years of age, the birthday included', () => {
    assert.equal(ageOn('1984-07-02', new Date('2026-07-01T12:00:00Z')), 41);
    assert.equal(ageOn('1984-07-02', new Date('2026-07-02T00:00:00Z')), 42);
    assert.equal(ageOn('1984', new Date()), null);
  });

  it('formats numbers per locale', () => {
    assert.equal(formatNumber(1234.5, 'en'), '1,234.5');
    assert.equal(formatNumber(12345.5, 'es'), '12.345,5');
  });

  it('names a patient the way people read it, without Synthea digits', () => {
    const names = [
      { use: 'maiden', family: 'Old', given: ['Ana'] },
      { use: 'official', family: 'Kreiger457', given: ['Clemente255'], prefix: ['Mr.'] },
    ];
    assert.equal(displayName(names), 'Clemente Kreiger');
    assert.equal(firstName(names), 'Clemente');
    assert.equal(displayName([{ text: 'Dr. Demo' }]), 'Dr. Demo');
    assert.equal(displayName(undefined), '');
  });

  it('finds the medical record number by its type', () => {
    assert.equal(
      medicalRecordNumber([
        { system: 'ssn', value: '999' },
        { type: { coding: [{ code: 'MR' }] }, value: 'MR-1' },
      ]),
      'MR-1',
    );
    assert.equal(medicalRecordNumber([]), undefined);
  });
});
