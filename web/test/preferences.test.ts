import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHANNELS_EXTENSION,
  TZ_EXTENSION,
  preferencesOf,
  validEmail,
  validPhone,
  withPreferences,
  type PatientWithPreferences,
} from '../src/api/preferences.js';

const stored: PatientWithPreferences = {
  resourceType: 'Patient',
  id: 'p1',
  name: [{ family: 'Kreiger' }],
  telecom: [
    { system: 'phone', value: '555-0100', use: 'home' },
    { system: 'email', value: 'old@example.org' },
  ],
  communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en-US' }] } }],
  extension: [{ url: 'http://example.org/other', valueCode: 'kept' }],
};

describe('profile preferences on the Patient', () => {
  it('reads what is recorded, with the browser language and zone where nothing is', () => {
    assert.deepEqual(preferencesOf(stored, { language: 'es', timeZone: 'Europe/Madrid' }), {
      email: 'old@example.org',
      phone: '',
      language: 'en',
      timeZone: 'Europe/Madrid',
      channels: [],
    });
  });

  it('writes them back keeping everything else, and reads back what it wrote', () => {
    const prefs = {
      email: 'clemente@example.org',
      phone: '+1 555 010 0200',
      language: 'es',
      timeZone: 'America/Mexico_City',
      channels: ['sms' as const],
    };
    const next = withPreferences(stored, prefs);
    assert.deepEqual(next.name, stored.name);
    assert.deepEqual(next.telecom, [
      { system: 'phone', value: '555-0100', use: 'home' },
      { system: 'email', value: 'clemente@example.org', use: 'home' },
      { system: 'phone', value: '+1 555 010 0200', use: 'mobile' },
    ]);
    assert.equal(next.communication?.[0]?.preferred, true);
    assert.equal(next.communication?.[1]?.preferred, false, 'English stays, not preferred');
    assert.deepEqual(next.extension, [
      { url: 'http://example.org/other', valueCode: 'kept' },
      { url: TZ_EXTENSION, valueCode: 'America/Mexico_City' },
      { url: CHANNELS_EXTENSION, valueCode: 'sms' },
    ]);
    assert.deepEqual(preferencesOf(next, { language: 'en', timeZone: 'UTC' }), prefs);
  });

  it('clearing email and mobile removes them, other numbers stay', () => {
    const next = withPreferences(stored, {
      email: '',
      phone: '',
      language: 'en',
      timeZone: 'UTC',
      channels: [],
    });
    assert.deepEqual(next.telecom, [{ system: 'phone', value: '555-0100', use: 'home' }]);
  });

  it('checks email addresses and phone numbers', () => {
    assert.equal(validEmail('a@b.org'), true);
    assert.equal(validEmail('not an email'), false);
    assert.equal(validPhone('+34 600 123 456'), true);
    assert.equal(validPhone('12'), false);
    assert.equal(validPhone('call me'), false);
  });
});
