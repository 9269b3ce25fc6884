import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { en } from '../src/i18n/en.js';
import { CATALOGS, preferredLocale, translate } from '../src/i18n/translate.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  for (const [locale, catalog] of Object.entries(CATALOGS)) {
    it(`${locale} has every key of English, no other, each non-empty with the same placeholders`, () => {
      assert.deepEqual(Object.keys(catalog).sort(), Object.keys(en).sort());
      for (const [key, text] of Object.entries(catalog)) {
        assert.ok(text.trim().length > 0, `${locale} ${key} is empty`);
        assert.deepEqual(placeholders(text), placeholders(en[key as keyof typeof en]), `${locale} ${key}`);
      }
    });
  }

  it('Spanish is a translation, not a copy: most strings differ from English', () => {
    // Strings of placeholders only ('{action} {what}') are the same in every language.
    const words = (v: string) => /\p{L}/u.test(v.replace(/\{\w+\}/g, ''));
    const same = Object.entries(CATALOGS.es).filter(([k, v]) => v === en[k as keyof typeof en] && words(v));
    // The product's name, and words spelled the same in both languages.
    assert.deepEqual(same.map(([k]) => k).sort(), ['app.name', 'record.flag.N']);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    assert.equal(translate('es', 'home.greeting', { name: 'Ana' }), 'Hola, Ana');
    assert.equal(translate('en', 'banner.age', {}), '{age} years');
  });

  it('picks the first language the app speaks from the browser list', () => {
    assert.equal(preferredLocale(['fr-FR', 'es-MX', 'en']), 'es');
    assert.equal(preferredLocale(['de']), 'en');
    assert.equal(preferredLocale([]), 'en');
  });
});
