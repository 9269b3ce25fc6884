import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  INTERACTIONS,
  SCOPE_CONTEXTS,
  SUPPORTED_SCOPES,
  isValidRequestedScope,
  parseScope,
  parseScopes,
  scopesAllow,
  type Interaction,
  type ResourceScope,
} from '../../../src/auth/policy/scopes.js';

/** The interactions of a scope that must parse, as a `cruds`-ordered string. */
function letters(text: string): string {
  const scope = parseScope(text);
  assert.ok(scope, `${text} should parse`);
  return INTERACTIONS.filter((i) => scope.interactions.has(i)).join('');
}

function parseAll(...texts: string[]): ResourceScope[] {
  return texts.map((t) => {
    const s = parseScope(t);
    assert.ok(s, `${t} should parse`);
    return s;
  });
}

const NON_RESOURCE = [
  'openid',
  'fhirUser',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
];

const MALFORMED = [
  'patient/Observation.sr', // letters out of order
  'patient/Observation.rr', // a letter twice
  'patient/Observation.rsc',
  'patient/.rs', // no type
  'patient/Observation.', // no letters
  'patient/Observation',
  'patient/*.',
  'patient/**.rs',
  'foo/Observation.rs', // unknown context
  'Patient/Observation.rs', // contexts are lower case
  'patient/observation.rs', // types are capitalised
  'patient/Observation.x',
  'patient/Observation.READ',
  'patient/Observation.reads',
  'patient/Observation.rs.',
  '/Observation.rs',
  'patient/Observation.rs?', // empty query
  'patient/Observation.rs?category', // no value
  'patient/Observation.rs?=laboratory', // no name
  'patient/Observation.rs?category=', // empty value
  'patient/Observation.rs?category=a&', // empty pair
  'patient/Observation.rs?category=%E0%A4%A', // bad percent-encoding
  'patient/Observation.read?category=laboratory', // queries are v2 only
  'patient/Observation.rs?category=a b', // not one scope token
  ' patient/Observation.rs',
  'patient/Observation.rs ',
  '',
];

describe('SMART scopes: parsing', () => {
  it('reads v2 scopes: context, type or *, letters, the text as written', () => {
    const s = parseScope('patient/Observation.rs');
    assert.ok(s);
    assert.equal(s.context, 'patient');
    assert.equal(s.resourceType, 'Observation');
    assert.deepEqual([...s.interactions].sort(), ['r', 's']);
    assert.deepEqual(s.query, []);
    assert.equal(s.text, 'patient/Observation.rs');

    const all = parseScope('user/*.cruds');
    assert.equal(all?.context, 'user');
    assert.equal(all?.resourceType, '*');
    assert.equal(letters('user/*.cruds'), 'cruds');

    const sys = parseScope('system/Patient.r');
    assert.equal(sys?.context, 'system');
    assert.equal(sys?.resourceType, 'Patient');
    assert.equal(letters('system/Patient.r'), 'r');
  });

  it('accepts every non-empty subsequence of cruds, and nothing else', () => {
    let accepted = 0;
    for (let mask = 1; mask < 32; mask++) {
      const l = INTERACTIONS.filter((_, i) => mask & (1 << i)).join('');
      assert.equal(letters(`patient/Condition.${l}`), l);
      accepted++;
      // Any other order of the same letters is refused.
      if (l.length > 1) assert.equal(parseScope(`patient/Condition.${[...l].reverse().join('')}`), null);
    }
    assert.equal(accepted, 31);
  });

  it('reads v1 scopes: .read = rs, .write = cud, .* = cruds', () => {
    assert.equal(letters('patient/Observation.read'), 'rs');
    assert.equal(letters('user/*.write'), 'cud');
    assert.equal(letters('system/Patient.*'), 'cruds');
    assert.equal(letters('patient/*.*'), 'cruds');
    assert.equal(parseScope('user/Encounter.write')?.resourceType, 'Encounter');
  });

  it('v1 and v2 scopes of the same meaning grant exactly the same', () => {
    const pairs: [string, string][] = [
      ['read', 'rs'],
      ['write', 'cud'],
      ['*', 'cruds'],
    ];
    for (const context of SCOPE_CONTEXTS) {
      for (const type of ['Observation', '*']) {
        for (const [v1, v2] of pairs) {
          const [a, b] = parseAll(`${context}/${type}.${v1}`, `${context}/${type}.${v2}`);
          assert.ok(a && b);
          assert.deepEqual(a.interactions, b.interactions);
          for (const i of INTERACTIONS) {
            for (const target of ['Observation', 'Patient']) {
              assert.equal(
                scopesAllow([a], undefined, target, i).length,
                scopesAllow([b], undefined, target, i).length,
                `${a.text} vs ${b.text} on ${target}.${i}`,
              );
            }
          }
        }
      }
    }
  });

  it('reads granular queries as decoded [name, value] pairs, in order', () => {
    const s = parseScope(
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
    );
    assert.ok(s);
    assert.equal(letters(s.text), 'rs');
    assert.deepEqual(s.query, [
      ['category', 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory'],
    ]);

    const two = parseScope('user/Observation.rs?category=vital-signs&code=http%3A%2F%2Floinc.org%7C8867-4');
    assert.deepEqual(two?.query, [
      ['category', 'vital-signs'],
      ['code', 'http://loinc.org|8867-4'],
    ]);
    // `+` stays a plus (FHIR values such as time-zone offsets use it).
    assert.deepEqual(parseScope('patient/Observation.rs?date=ge2024-01-01T00:00:00+01:00')?.query, [
      ['date', 'ge2024-01-01T00:00:00+01:00'],
    ]);
    // Modifiers and repeated names are kept as written.
    assert.deepEqual(parseScope('patient/*.rs?_tag:not=a&_tag:not=b')?.query, [
      ['_tag:not', 'a'],
      ['_tag:not', 'b'],
    ]);
  });

  it('refuses malformed resource scopes with null, never an exception', () => {
    for (const text of MALFORMED) assert.equal(parseScope(text), null, JSON.stringify(text));
    for (const junk of [undefined, null, 42, {}] as unknown as string[])
      assert.doesNotThrow(() => assert.equal(parseScope(junk), null));
  });

  it('answers null for non-resource scopes', () => {
    for (const text of NON_RESOURCE) assert.equal(parseScope(text), null, text);
  });
});

describe('SMART scopes: a scope string', () => {
  it('sorts a granted scope string into resource scopes, flags and the rest', () => {
    const p = parseScopes(
      '  launch launch/patient openid fhirUser offline_access patient/Observation.rs   user/*.read profile patient/Observation.rs\tfoo/Bar.rs',
    );
    assert.deepEqual(
      p.resource.map((s) => s.text),
      ['patient/Observation.rs', 'user/*.read'],
    );
    assert.equal(p.launch, true);
    assert.equal(p.launchPatient, true);
    assert.equal(p.launchEncounter, false);
    assert.equal(p.openid, true);
    assert.equal(p.fhirUser, true);
    assert.equal(p.offlineAccess, true);
    assert.equal(p.onlineAccess, false);
    assert.deepEqual(p.other, ['profile', 'foo/Bar.rs']);
  });

  it('has every flag off for an empty string, and reads the ones it lacked above', () => {
    const empty = parseScopes('');
    assert.deepEqual(empty, {
      resource: [],
      launch: false,
      launchPatient: false,
      launchEncounter: false,
      openid: false,
      fhirUser: false,
      offlineAccess: false,
      onlineAccess: false,
      other: [],
    });
    const p = parseScopes('launch/encounter online_access');
    assert.equal(p.launchEncounter, true);
    assert.equal(p.onlineAccess, true);
    assert.equal(p.launch, false);
    assert.deepEqual(p.other, []);
  });
});

describe('SMART scopes: what they grant', () => {
  const scopes = parseAll(
    'patient/*.rs',
    'patient/Observation.cu',
    'user/Condition.r',
    'system/Patient.s',
    'patient/Observation.rs?category=laboratory',
  );
  const granting = (ctx: Parameters<typeof scopesAllow>[1], type: string, i: Interaction) =>
    scopesAllow(scopes, ctx, type, i).map((s) => s.text);

  it('* matches every type; a named type only itself', () => {
    assert.deepEqual(granting(undefined, 'Immunization', 'r'), ['patient/*.rs']);
    assert.deepEqual(granting(undefined, 'Observation', 'c'), ['patient/Observation.cu']);
    assert.deepEqual(granting(undefined, 'Condition', 'c'), []);
    assert.deepEqual(granting(undefined, 'Encounter', 'u'), []);
    assert.deepEqual(granting(undefined, 'Observation', 'd'), []);
  });

  it('returns every granting scope, queries included, so the caller can apply restrictions', () => {
    const found = scopesAllow(scopes, undefined, 'Observation', 's');
    assert.deepEqual(
      found.map((s) => s.text),
      ['patient/*.rs', 'patient/Observation.rs?category=laboratory'],
    );
    assert.deepEqual(found[1]?.query, [['category', 'laboratory']]);
    assert.deepEqual(
      scopesAllow(parseAll('patient/Observation.rs?category=laboratory'), 'patient', 'Observation', 'r').map(
        (s) => s.query,
      ),
      [[['category', 'laboratory']]],
    );
  });

  it('filters by context: one, several or any', () => {
    assert.deepEqual(granting('user', 'Condition', 'r'), ['user/Condition.r']);
    assert.deepEqual(granting('patient', 'Condition', 'r'), ['patient/*.rs']);
    assert.deepEqual(granting(['user', 'system'], 'Condition', 'r'), ['user/Condition.r']);
    assert.deepEqual(granting(undefined, 'Condition', 'r'), ['patient/*.rs', 'user/Condition.r']);
    assert.deepEqual(granting('system', 'Patient', 's'), ['system/Patient.s']);
    assert.deepEqual(granting('system', 'Patient', 'r'), []);
    assert.deepEqual(granting([], 'Patient', 'r'), []);
    assert.deepEqual(scopesAllow([], undefined, 'Patient', 'r'), []);
  });
});

describe('SMART scopes: requests and what the server advertises', () => {
  it('accepts well-formed requested scopes', () => {
    for (const text of [
      ...NON_RESOURCE,
      'patient/Observation.rs',
      'user/*.cruds',
      'system/Patient.read',
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
      'profile',
      'email',
    ])
      assert.equal(isValidRequestedScope(text), true, text);
  });

  it('rejects malformed resource and launch scopes', () => {
    for (const text of [...MALFORMED, 'launch/location', 'Observation.read', 'https://example.org/scope'])
      assert.equal(isValidRequestedScope(text), false, JSON.stringify(text));
    assert.equal(isValidRequestedScope('a"b'), false);
    assert.equal(isValidRequestedScope('a\\b'), false);
  });

  it('advertises launch, identity, refresh and the wildcard resource scopes, all valid', () => {
    const expected = [
      'launch',
      'launch/patient',
      'launch/encounter',
      'openid',
      'fhirUser',
      'offline_access',
      'online_access',
      ...['cruds', 'rs', 'read', 'write'].flatMap((l) =>
        ['patient', 'user', 'system'].map((c) => `${c}/*.${l}`),
      ),
    ];
    assert.deepEqual([...SUPPORTED_SCOPES].sort(), [...expected].sort());
    for (const s of SUPPORTED_SCOPES) assert.equal(isValidRequestedScope(s), true, s);
    assert.equal(SUPPORTED_SCOPES.filter((s) => parseScope(s) !== null).length, 12);
  });
});
