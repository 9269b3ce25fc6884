import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_VISIT_TYPES } from '../../src/demo/scheduling.js';
import {
  INTAKE_QUESTIONNAIRE_VERSION,
  IntakeError,
  intakeProblems,
  intakeQuestionnaire,
  intakeResponse,
  MAX_VALUE_EXTENSION,
  MIN_VALUE_EXTENSION,
  ORDINAL_VALUE_EXTENSION,
  type IntakeAnswers,
  type Questionnaire,
} from '../../src/modules/visits/checkin/index.js';
import { assertInvariants, assertValid } from './support/r4-checks.js';

const T0 = Date.UTC(2025, 2, 3, 14, 5, 0);
const CTX = { patientId: 'p1', encounterId: 'visit-1', authored: T0, author: 'Patient/p1' };

function visitType(id: string) {
  const vt = DEMO_VISIT_TYPES.find((v) => v.id === id);
  assert.ok(vt, id);
  return vt;
}
const PRIMARY = intakeQuestionnaire(visitType('primary-care-video-20'));
const BEHAVIORAL = intakeQuestionnaire(visitType('behavioral-health-50'));

const linkIds = (q: Questionnaire) => (q.item ?? []).map((i) => i.linkId);
const item = (q: Questionnaire, linkId: string) => {
  const found = q.item?.find((i) => i.linkId === linkId);
  assert.ok(found, linkId);
  return found;
};

const MINIMAL: IntakeAnswers = {
  reason: 'Sore throat and fever',
  location: 'Springfield, Illinois',
  'callback-phone': true,
};

const FULL: IntakeAnswers = {
  ...MINIMAL,
  'symptom-onset': '1-3-days',
  'pain-score': 4,
  'medications-changed': false,
  'allergy-changes': 'Penicillin rash last month',
  pharmacy: 'Main Street Pharmacy, 12 Main St',
};

/** The problems of an answer set as `linkId problem` strings, from the thrown IntakeError. */
function problemsOf(q: Questionnaire, answers: unknown): string[] {
  let thrown: unknown;
  try {
    intakeResponse(q, answers as IntakeAnswers, CTX);
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof IntakeError, 'an IntakeError');
  // The web's check and the server's agree.
  assert.deepEqual(intakeProblems(q, answers), thrown.problems);
  return thrown.problems.map((p) => `${p.linkId} ${p.problem}`);
}

describe('intakeQuestionnaire', () => {
  it('is a valid, active R4 Questionnaire with the visit type in its id, canonical URL and version', () => {
    for (const vt of DEMO_VISIT_TYPES) {
      const q = intakeQuestionnaire(vt);
      assertValid(q);
      assertInvariants(q);
      assert.equal(q.id, `intake-${vt.id}`);
      assert.equal(q.url, `urn:openvisit:questionnaire:intake:${vt.id}`);
      assert.equal(q.version, INTAKE_QUESTIONNAIRE_VERSION);
      assert.equal(q.status, 'active');
      assert.match(q.name ?? '', /^[A-Z][A-Za-z0-9_]*$/);
      assert.ok(q.title?.includes(vt.name));
    }
  });

  it('asks every visit the same clinical intake; primary care adds nothing', () => {
    assert.deepEqual(linkIds(PRIMARY), [
      'reason',
      'symptom-onset',
      'pain-score',
      'medications-changed',
      'allergy-changes',
      'pharmacy',
      'location',
      'callback-phone',
    ]);
    const types = Object.fromEntries((PRIMARY.item ?? []).map((i) => [i.linkId, [i.type, !!i.required]]));
    assert.deepEqual(types, {
      reason: ['text', true],
      'symptom-onset': ['choice', false],
      'pain-score': ['integer', false],
      'medications-changed': ['boolean', false],
      'allergy-changes': ['text', false],
      pharmacy: ['string', false],
      // Licensure follows where the patient is during the visit.
      location: ['string', true],
      'callback-phone': ['boolean', true],
    });
    assert.deepEqual(item(PRIMARY, 'pain-score').extension, [
      { url: MIN_VALUE_EXTENSION, valueInteger: 0 },
      { url: MAX_VALUE_EXTENSION, valueInteger: 10 },
    ]);
    assert.deepEqual(linkIds(intakeQuestionnaire(visitType('diabetes-education-group'))), linkIds(PRIMARY));
  });

  it('behavioral health adds a crisis notice and the PHQ-2 with its LOINC codes and scored answers', () => {
    assert.deepEqual(linkIds(BEHAVIORAL), [
      ...linkIds(PRIMARY),
      'crisis-notice',
      'phq2-interest',
      'phq2-down',
    ]);
    assert.equal(item(BEHAVIORAL, 'crisis-notice').type, 'display');
    assert.match(item(BEHAVIORAL, 'crisis-notice').text ?? '', /988/);
    const phq = (linkId: string) => {
      const i = item(BEHAVIORAL, linkId);
      return {
        type: i.type,
        code: i.code?.map((c) => `${c.system}|${c.code}`),
        answers: i.answerOption?.map((o) => [
          o.valueCoding?.system,
          o.valueCoding?.code,
          o.extension?.find((e) => e.url === ORDINAL_VALUE_EXTENSION)?.valueDecimal,
        ]),
      };
    };
    const answers = [
      ['http://loinc.org', 'LA6568-5', 0],
      ['http://loinc.org', 'LA6569-3', 1],
      ['http://loinc.org', 'LA6570-1', 2],
      ['http://loinc.org', 'LA6571-9', 3],
    ];
    assert.deepEqual(phq('phq2-interest'), { type: 'choice', code: ['http://loinc.org|44250-9'], answers });
    assert.deepEqual(phq('phq2-down'), { type: 'choice', code: ['http://loinc.org|44255-8'], answers });
  });

  it('refuses a visit type id that cannot make a FHIR id', () => {
    for (const id of ['', 'has space', 'x'.repeat(60), 'a/b'])
      assert.throws(() => intakeQuestionnaire({ id, name: 'X', serviceLine: 'primary-care' }), TypeError);
  });
});

describe('intakeResponse', () => {
  it('records every answer with its type, in the questionnaire order, as a valid completed response', () => {
    const r = intakeResponse(PRIMARY, FULL, CTX);
    assertValid(r);
    assertInvariants(r);
    assert.equal(r.status, 'completed');
    assert.equal(
      r.questionnaire,
      `urn:openvisit:questionnaire:intake:primary-care-video-20|${INTAKE_QUESTIONNAIRE_VERSION}`,
    );
    assert.deepEqual(r.subject, { reference: 'Patient/p1' });
    assert.deepEqual(r.encounter, { reference: 'Encounter/visit-1' });
    assert.deepEqual(r.author, { reference: 'Patient/p1' });
    assert.equal(r.authored, '2025-03-03T14:05:00Z');
    assert.deepEqual(
      r.item?.map((i) => [i.linkId, i.answer]),
      [
        ['reason', [{ valueString: 'Sore throat and fever' }]],
        [
          'symptom-onset',
          [
            {
              valueCoding: {
                system: 'urn:openvisit:intake:symptom-onset',
                code: '1-3-days',
                display: '1 to 3 days ago',
              },
            },
          ],
        ],
        ['pain-score', [{ valueInteger: 4 }]],
        ['medications-changed', [{ valueBoolean: false }]],
        ['allergy-changes', [{ valueString: 'Penicillin rash last month' }]],
        ['pharmacy', [{ valueString: 'Main Street Pharmacy, 12 Main St' }]],
        ['location', [{ valueString: 'Springfield, Illinois' }]],
        ['callback-phone', [{ valueBoolean: true }]],
      ],
    );
    assert.equal(r.item?.[0]?.text, item(PRIMARY, 'reason').text);
  });

  it('leaves out unanswered optional questions and blank text, and trims text', () => {
    const r = intakeResponse(PRIMARY, { ...MINIMAL, reason: '  Rash  ', pharmacy: '   ' }, CTX);
    assertValid(r);
    assert.deepEqual(
      r.item?.map((i) => [i.linkId, i.answer?.[0]]),
      [
        ['reason', { valueString: 'Rash' }],
        ['location', { valueString: 'Springfield, Illinois' }],
        ['callback-phone', { valueBoolean: true }],
      ],
    );
  });

  it('takes a caregiver as the author, and the PHQ-2 as LOINC codings', () => {
    const r = intakeResponse(
      BEHAVIORAL,
      { ...MINIMAL, 'phq2-interest': 'LA6568-5', 'phq2-down': 'LA6571-9' },
      { ...CTX, author: 'RelatedPerson/mum' },
    );
    assertValid(r);
    assertInvariants(r);
    assert.deepEqual(r.author, { reference: 'RelatedPerson/mum' });
    assert.deepEqual(r.item?.slice(-2), [
      {
        linkId: 'phq2-interest',
        text: item(BEHAVIORAL, 'phq2-interest').text,
        answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA6568-5', display: 'Not at all' } }],
      },
      {
        linkId: 'phq2-down',
        text: item(BEHAVIORAL, 'phq2-down').text,
        answer: [
          { valueCoding: { system: 'http://loinc.org', code: 'LA6571-9', display: 'Nearly every day' } },
        ],
      },
    ]);
  });

  it('lists every missing required answer; a false callback answer is an answer', () => {
    assert.deepEqual(problemsOf(PRIMARY, {}), [
      'reason required',
      'location required',
      'callback-phone required',
    ]);
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, reason: ' \n ', 'callback-phone': undefined }), [
      'reason required',
      'callback-phone required',
    ]);
    assert.equal(
      intakeResponse(PRIMARY, { ...MINIMAL, 'callback-phone': false }, CTX).item?.at(-1)?.answer?.[0]
        ?.valueBoolean,
      false,
    );
  });

  it('names unknown items, wrong types, bounds, options, lengths and control characters', () => {
    assert.deepEqual(
      problemsOf(PRIMARY, {
        ...MINIMAL,
        'pain-score': 11,
        'symptom-onset': 'yesterday',
        'medications-changed': 'yes',
        pharmacy: 'x'.repeat(201),
        'allergy-changes': 'peanuts\u0000',
        'favourite-colour': 'blue',
      }),
      [
        'symptom-onset not-an-option',
        'pain-score out-of-range',
        'medications-changed wrong-type',
        'allergy-changes invalid-text',
        'pharmacy too-long',
        'favourite-colour unknown-item',
      ],
    );
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, 'pain-score': -1 }), ['pain-score out-of-range']);
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, 'pain-score': 4.5 }), ['pain-score wrong-type']);
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, 'pain-score': '4' }), ['pain-score wrong-type']);
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, reason: 42 }), ['reason wrong-type']);
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, 'symptom-onset': 3 }), ['symptom-onset wrong-type']);
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, pharmacy: null }), ['pharmacy wrong-type']);
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, pharmacy: { name: 'x' } }), ['pharmacy wrong-type']);
    // The PHQ-2 belongs to behavioral health, and a display item takes no answer.
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, 'phq2-down': 'LA6568-5' }), [
      'phq2-down unknown-item',
    ]);
    assert.deepEqual(problemsOf(BEHAVIORAL, { ...MINIMAL, 'crisis-notice': true }), [
      'crisis-notice unknown-item',
    ]);
    assert.deepEqual(problemsOf(BEHAVIORAL, { ...MINIMAL, 'phq2-down': 'LA6572-7' }), [
      'phq2-down not-an-option',
    ]);
    assert.deepEqual(problemsOf(PRIMARY, ['reason']), ['* wrong-type']);
    assert.deepEqual(problemsOf(PRIMARY, null), ['* wrong-type']);
  });

  it('takes text up to 2,000 characters (counted as characters, not UTF-16 units)', () => {
    const emoji = '🤒'.repeat(2000);
    assert.equal(
      intakeResponse(PRIMARY, { ...MINIMAL, reason: emoji }, CTX).item?.[0]?.answer?.[0]?.valueString,
      emoji,
    );
    assert.deepEqual(problemsOf(PRIMARY, { ...MINIMAL, reason: 'x'.repeat(2001) }), ['reason too-long']);
    // A questionnaire asking for more is still held to 2,000.
    const generous: Questionnaire = {
      ...PRIMARY,
      item: PRIMARY.item?.map((i) => (i.linkId === 'reason' ? { ...i, maxLength: 10_000 } : i)),
    };
    assert.deepEqual(problemsOf(generous, { ...MINIMAL, reason: 'x'.repeat(2001) }), ['reason too-long']);
  });

  it('never echoes an answer, nor a key that is not a plain identifier, in the error', () => {
    const secret = 'HIV positive, John Smith 555-0100';
    const answers = {
      reason: secret.repeat(100),
      location: 7,
      'callback-phone': secret,
      'pain-score': 99,
      [secret]: 'x',
      'medications-changed': secret,
      'symptom-onset': secret,
    };
    let thrown: unknown;
    try {
      intakeResponse(PRIMARY, answers as unknown as IntakeAnswers, CTX);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof IntakeError);
    const text = `${thrown.message} ${JSON.stringify(thrown.problems)} ${String(thrown.stack)}`;
    for (const leak of ['HIV', 'Smith', '555', '99'])
      assert.ok(!text.includes(leak), `error mentions ${leak}`);
    assert.deepEqual(
      thrown.problems.map((p) => `${p.linkId} ${p.problem}`),
      [
        'reason too-long',
        'symptom-onset not-an-option',
        'pain-score out-of-range',
        'medications-changed wrong-type',
        'location wrong-type',
        'callback-phone wrong-type',
        '(unnamed) unknown-item',
      ],
    );
  });

  it('refuses a bad context as a TypeError, not as the patient’s mistake', () => {
    assert.throws(() => intakeResponse(PRIMARY, MINIMAL, { ...CTX, author: 'Practitioner/dr1' }), TypeError);
    assert.throws(() => intakeResponse(PRIMARY, MINIMAL, { ...CTX, author: 'p1' }), TypeError);
    assert.throws(() => intakeResponse(PRIMARY, MINIMAL, { ...CTX, patientId: 'a b' }), TypeError);
    assert.throws(() => intakeResponse(PRIMARY, MINIMAL, { ...CTX, encounterId: '' }), TypeError);
    assert.throws(() => intakeResponse(PRIMARY, MINIMAL, { ...CTX, authored: Number.NaN }), TypeError);
  });
});
