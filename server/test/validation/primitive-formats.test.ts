import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateResource } from '../../src/fhir/validation/index.js';
import { problems } from './issue-summary.js';

/** Puts a value of each primitive type into an Extension, the one element that accepts all of them. */
function withValue(type: string, value: unknown): string[] {
  const key = `value${type.charAt(0).toUpperCase()}${type.slice(1)}`;
  return problems({
    resourceType: 'Basic',
    code: { text: 'x' },
    extension: [{ url: 'http://e.org', [key]: value }],
  });
}

function assertValid(type: string, values: unknown[]): void {
  for (const value of values)
    assert.deepEqual(withValue(type, value), [], `${type} ${JSON.stringify(value)}`);
}

function assertInvalid(type: string, values: unknown[], code = 'value'): void {
  const key = `value${type.charAt(0).toUpperCase()}${type.slice(1)}`;
  for (const value of values) {
    assert.deepEqual(
      withValue(type, value),
      [`${code} Basic.extension[0].${key}`],
      `${type} ${JSON.stringify(value)}`,
    );
  }
}

describe('primitive formats', () => {
  it('date', () => {
    assertValid('date', ['2020', '2020-02', '2020-02-29', '0001-01-01']);
    assertInvalid('date', [
      '2020-13',
      '2021-02-29',
      '2020-04-31',
      '20200101',
      '2020-1-1',
      '2020-01-01T00:00:00Z',
      '0000',
    ]);
  });

  it('dateTime', () => {
    assertValid('dateTime', [
      '2020',
      '2020-01',
      '2020-01-01',
      '2020-01-01T10:00:00Z',
      '2020-01-01T10:00:00.123+05:30',
    ]);
    assertInvalid('dateTime', [
      '2020-01-01T10:00:00',
      '2020-01-01T10:00Z',
      '2020-01-01T25:00:00Z',
      '2019-02-29T00:00:00Z',
    ]);
  });

  it('instant', () => {
    assertValid('instant', ['2020-01-01T10:00:00Z', '2020-01-01T10:00:00.5-08:00']);
    assertInvalid('instant', ['2020-01-01', '2020-01-01T10:00:00']);
  });

  it('time', () => {
    assertValid('time', ['10:00:00', '23:59:60', '00:00:00.25']);
    assertInvalid('time', ['24:00:00', '10:00', '10:00:00Z']);
  });

  it('integer, positiveInt and unsignedInt ranges', () => {
    assertValid('integer', [0, -5, 2147483647, -2147483648]);
    assertInvalid('integer', [1.5, 2147483648, -2147483649]);
    assertValid('positiveInt', [1, 2147483647]);
    assertInvalid('positiveInt', [0, -1, 2.5]);
    assertValid('unsignedInt', [0, 7]);
    assertInvalid('unsignedInt', [-1, 2147483648]);
    assertInvalid('integer', ['1'], 'structure');
  });

  it('decimal and boolean', () => {
    assertValid('decimal', [0, -1.5, 1e-7, 12345678901234]);
    assertInvalid('decimal', ['1.0', true], 'structure');
    assertValid('boolean', [true, false]);
    assertInvalid('boolean', ['true', 1], 'structure');
  });

  it('id, code, oid, uuid', () => {
    assertValid('id', ['a', 'A-1.b', 'x'.repeat(64)]);
    assertInvalid('id', ['a b', 'a_b', 'x'.repeat(65), 'é']);
    assertValid('code', ['a', 'a b', 'CHEST\u00a0']);
    assertInvalid('code', [' a', 'a ', 'a  b', 'a\t\tb']);
    assertValid('oid', ['urn:oid:1.2.3', 'urn:oid:2.16.840.1']);
    assertInvalid('oid', ['1.2.3', 'urn:oid:3.1', 'urn:oid:1.02']);
    assertValid('uuid', ['urn:uuid:c757873d-ec9a-4326-a141-556f43239520']);
    assertInvalid('uuid', [
      'c757873d-ec9a-4326-a141-556f43239520',
      'urn:uuid:C757873D-EC9A-4326-A141-556F43239520',
    ]);
  });

  it('uri, url, canonical', () => {
    for (const type of ['uri', 'url', 'canonical']) {
      assertValid(type, ['http://example.org/a', 'urn:x', 'x|1.0']);
      assertInvalid(type, ['http://example.org/a b', '']);
    }
  });

  it('base64Binary', () => {
    assertValid('base64Binary', ['AAAA', 'aGVsbG8=', 'aGVs bG8=', 'aGVs\nbG8=\n']);
    assertInvalid('base64Binary', ['AAA', 'A A A A', 'AA$A', '====x']);
  });

  it('base64Binary stays linear on large invalid input', () => {
    const start = performance.now();
    assertInvalid('base64Binary', [`${'AAAA '.repeat(200000)}A`]);
    assert.ok(performance.now() - start < 1000);
  });

  it('string and markdown: not empty, not blank, no control characters, at most 1MB', () => {
    assertValid('string', [
      'a',
      ' padded ',
      'line\nbreak\ttab',
      'non\u00a0breaking',
      'x'.repeat(1024 * 1024),
    ]);
    assertInvalid('string', ['', '   ', '\n', 'bell\u0007', 'x'.repeat(1024 * 1024 + 1), 'é'.repeat(600000)]);
    assertValid('markdown', ['**bold**']);
    assertInvalid('markdown', ['', '\u0000']);
  });

  it('xhtml narrative must be a div', () => {
    const narrative = (div: string) =>
      problems({ resourceType: 'Basic', code: { text: 'x' }, text: { status: 'generated', div } });
    assert.deepEqual(narrative('<div xmlns="http://www.w3.org/1999/xhtml">x</div>'), []);
    assert.deepEqual(narrative('<p>x</p>'), ['value Basic.text.div']);
  });

  it('never echoes the submitted value in diagnostics', () => {
    const issues = validateResource({
      resourceType: 'Patient',
      birthDate: '1980-13-01',
      gender: 'secret-gender',
      name: [{ family: 'Smith\u0001' }],
      telecom: [{ system: 'phone', value: '   ' }],
      managingOrganization: { reference: 'Organization/has space' },
    });
    assert.equal(issues.length, 5);
    const text = JSON.stringify(issues);
    for (const secret of ['1980', 'secret', 'Smith', 'has space']) assert.ok(!text.includes(secret), secret);
  });
});
