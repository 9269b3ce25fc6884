import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LOCALES,
  format,
  isLocale,
  messages,
  pickLocale,
  type Messages,
} from '../../../src/auth/pages/messages.js';
import { longFragments } from './support.js';

const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('has the same keys in every locale, with no empty values and no markup', () => {
    const enKeys = Object.keys(messages.en).sort();
    assert.ok(enKeys.length > 50);
    for (const locale of LOCALES) {
      assert.deepEqual(Object.keys(messages[locale]).sort(), enKeys, locale);
      for (const [key, value] of Object.entries(messages[locale])) {
        assert.equal(typeof value, 'string', `${locale}.${key}`);
        assert.notEqual(value.trim(), '', `${locale}.${key} is empty`);
        assert.doesNotMatch(value, /[<>]/, `${locale}.${key} contains markup`);
      }
    }
  });

  it('uses the same placeholders in every locale', () => {
    for (const key of Object.keys(messages.en) as (keyof Messages)[]) {
      assert.deepEqual(placeholders(messages.es[key]), placeholders(messages.en[key]), key);
    }
  });

  it('translates every sentence (no long English value copied into Spanish)', () => {
    for (const key of Object.keys(messages.en) as (keyof Messages)[]) {
      for (const fragment of longFragments([messages.en[key]]))
        assert.ok(!messages.es[key].includes(fragment), `${key}: "${fragment}"`);
    }
  });

  it('does not compile a locale with a key missing', () => {
    // @ts-expect-error every key of Messages is required
    const incomplete: Messages = { ...messages.en, loginTitle: undefined };
    assert.equal(incomplete.loginTitle, undefined);
  });

  it('fills placeholders once, leaving unknown ones and not re-reading values', () => {
    assert.equal(format('Sign in to {tenantName}', { tenantName: 'Clinic' }), 'Sign in to Clinic');
    assert.equal(format('{a} and {b}', { a: '{b}' }), '{b} and {b}');
    assert.equal(format('{n} minutes', { n: 3 }), '3 minutes');
    assert.equal(format('{toString}', {}), '{toString}');
  });
});

describe('pickLocale', () => {
  it('defaults to English', () => {
    assert.equal(pickLocale(undefined), 'en');
    assert.equal(pickLocale(''), 'en');
    assert.equal(pickLocale('fr-FR, de;q=0.9'), 'en');
    assert.equal(pickLocale('*'), 'en');
    assert.equal(pickLocale(undefined, ''), 'en');
  });

  it('lets an explicit choice win, taking its first supported tag', () => {
    assert.equal(pickLocale('en-US,en;q=0.9', 'es'), 'es');
    assert.equal(pickLocale('es-ES', 'en'), 'en');
    assert.equal(pickLocale(undefined, 'es-MX en'), 'es');
    assert.equal(pickLocale(undefined, 'fr-CA es en'), 'es');
    assert.equal(pickLocale(undefined, 'ES_mx'), 'es');
    // Nothing supported in the explicit choice: the header decides.
    assert.equal(pickLocale('es;q=0.8, fr', 'fr de'), 'es');
    assert.equal(pickLocale(undefined, 'fr'), 'en');
  });

  it('follows Accept-Language q-values', () => {
    assert.equal(pickLocale('es-ES,es;q=0.9,en;q=0.8'), 'es');
    assert.equal(pickLocale('en;q=0.5, es;q=0.8'), 'es');
    assert.equal(pickLocale('fr-FR, fr;q=0.9, es;q=0.7, en;q=0.6'), 'es');
    assert.equal(pickLocale('fr, en-GB;q=0.7, es;q=0.3'), 'en');
    assert.equal(pickLocale('ES-mx'), 'es');
    // Ties keep header order.
    assert.equal(pickLocale('es;q=0.5, en;q=0.5'), 'es');
    assert.equal(pickLocale('en;q=0.5, es;q=0.5'), 'en');
  });

  it('treats q=0 as "not this one" and ignores malformed ranges', () => {
    assert.equal(pickLocale('es;q=0, en'), 'en');
    assert.equal(pickLocale('es;q=0.000'), 'en');
    assert.equal(pickLocale('es;q=abc, en;q=0.1'), 'en');
    assert.equal(pickLocale('es;q=2, en;q=0.1'), 'en');
    assert.equal(pickLocale('espanol, esperanto'), 'en');
    assert.equal(pickLocale(' es ; q=0.9 '), 'es');
    assert.equal(pickLocale(`${'x;q=0.1,'.repeat(5000)}es`), 'en', 'only the start of a huge header is read');
  });

  it('recognises locales', () => {
    assert.ok(isLocale('en') && isLocale('es'));
    assert.ok(!isLocale('fr') && !isLocale('ES') && !isLocale(undefined));
  });
});
