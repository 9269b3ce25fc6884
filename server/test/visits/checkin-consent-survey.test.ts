import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkinHttpError,
  MAX_VALUE_EXTENSION,
  MIN_VALUE_EXTENSION,
  SATISFACTION_QUESTIONNAIRE,
  satisfactionProblems,
  satisfactionResponse,
  SurveyError,
  TELEHEALTH_CONSENT_POLICY,
  TELEHEALTH_CONSENT_VERSION,
  telehealthConsent,
  type SatisfactionAnswers,
} from '../../src/modules/visits/checkin/index.js';
import { FhirError } from '../../src/platform/http/operation-outcome.js';
import { checkinEn } from '../../../web/src/i18n/checkin.en.js';
import { checkinEs } from '../../../web/src/i18n/checkin.es.js';
import { assertInvariants, assertValid } from './support/r4-checks.js';

const T0 = Date.UTC(2025, 2, 3, 14, 40, 0);

describe('telehealthConsent', () => {
  it('is an active R4 treatment Consent, LOINC 59284-0, permitting telehealth from the moment agreed', () => {
    const c = telehealthConsent({ patientId: 'p1', at: T0 });
    assertValid(c);
    assertInvariants(c);
    assert.equal(c.status, 'active');
    assert.deepEqual(c.scope.coding, [
      {
        system: 'http://terminology.hl7.org/CodeSystem/consentscope',
        code: 'treatment',
        display: 'Treatment',
      },
    ]);
    assert.deepEqual(
      c.category.flatMap((cc) => cc.coding?.map((x) => `${x.system}|${x.code}`)),
      ['http://loinc.org|59284-0', 'urn:openvisit:consent|telehealth'],
    );
    assert.deepEqual(c.patient, { reference: 'Patient/p1' });
    assert.deepEqual(c.performer, [{ reference: 'Patient/p1' }]);
    assert.equal(c.dateTime, '2025-03-03T14:40:00Z');
    assert.deepEqual(c.policy, [{ uri: TELEHEALTH_CONSENT_POLICY }]);
    assert.ok(TELEHEALTH_CONSENT_POLICY.endsWith(TELEHEALTH_CONSENT_VERSION));
    assert.equal(c.provision.type, 'permit');
    // Until withdrawn: no end.
    assert.deepEqual(c.provision.period, { start: '2025-03-03T14:40:00Z' });
    assert.deepEqual(c.provision.code?.[0]?.coding?.[0]?.code, 'telehealth');
    assert.match(
      c.text?.div ?? '',
      /^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">.*telehealth.*<\/div>$/,
    );
  });

  it('takes the tenant’s own policy and a guardian who agrees for the patient', () => {
    const c = telehealthConsent({
      patientId: 'child-1',
      at: T0,
      policyUri: 'https://clinic.example/policies/telehealth-consent-v3',
      performer: 'RelatedPerson/mum',
    });
    assertValid(c);
    assertInvariants(c);
    assert.deepEqual(c.policy, [{ uri: 'https://clinic.example/policies/telehealth-consent-v3' }]);
    assert.deepEqual(c.performer, [{ reference: 'RelatedPerson/mum' }]);
    assert.deepEqual(c.patient, { reference: 'Patient/child-1' });
  });

  it('refuses what would make an invalid resource', () => {
    assert.throws(() => telehealthConsent({ patientId: 'a b', at: T0 }), TypeError);
    assert.throws(() => telehealthConsent({ patientId: 'p1', at: Number.NaN }), TypeError);
    assert.throws(() => telehealthConsent({ patientId: 'p1', at: T0, policyUri: 'not a uri' }), TypeError);
    assert.throws(
      () => telehealthConsent({ patientId: 'p1', at: T0, performer: 'Practitioner/x' }),
      TypeError,
    );
  });

  it('has its plain-language text in English and Spanish in the web catalogs', () => {
    const consentKeys = Object.keys(checkinEn).filter((k) => k.startsWith('checkin.consent.p'));
    assert.ok(consentKeys.length >= 5, 'several paragraphs');
    const en = checkinEn as Record<string, string>;
    const all = consentKeys.map((k) => en[k]).join(' ');
    for (const topic of [/911/, /in person/i, /private/i, /where you are/i, /phone/i, /stop|withdraw/i])
      assert.match(all, topic);
    for (const k of consentKeys) assert.notEqual(checkinEs[k as keyof typeof checkinEs], en[k], k);
  });
});

describe('SATISFACTION_QUESTIONNAIRE', () => {
  it('is a valid R4 Questionnaire: score 1-5 required, comment optional up to 1,000 characters', () => {
    assertValid(SATISFACTION_QUESTIONNAIRE);
    assertInvariants(SATISFACTION_QUESTIONNAIRE);
    assert.equal(SATISFACTION_QUESTIONNAIRE.id, 'visit-satisfaction');
    assert.equal(SATISFACTION_QUESTIONNAIRE.status, 'active');
    const [score, comment, ...rest] = SATISFACTION_QUESTIONNAIRE.item ?? [];
    assert.deepEqual(rest, []);
    assert.deepEqual([score?.linkId, score?.type, score?.required], ['score', 'integer', true]);
    assert.deepEqual(score?.extension, [
      { url: MIN_VALUE_EXTENSION, valueInteger: 1 },
      { url: MAX_VALUE_EXTENSION, valueInteger: 5 },
    ]);
    assert.deepEqual(
      [comment?.linkId, comment?.type, comment?.required ?? false, comment?.maxLength],
      ['comment', 'text', false, 1000],
    );
  });
});

describe('satisfactionResponse', () => {
  const CTX = { encounterId: 'visit-1', patientId: 'p1', author: 'Patient/p1', authored: T0 };

  function problemsOf(answers: unknown): string[] {
    let thrown: unknown;
    try {
      satisfactionResponse(answers as SatisfactionAnswers, CTX);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof SurveyError, 'a SurveyError');
    assert.deepEqual(satisfactionProblems(answers), thrown.problems);
    return thrown.problems.map((p) => `${p.linkId} ${p.problem}`);
  }

  it('records the patient’s score and comment as a valid completed response about the visit', () => {
    const r = satisfactionResponse({ score: 5, comment: 'Easy to join, thank you.' }, CTX);
    assertValid(r);
    assertInvariants(r);
    assert.equal(r.status, 'completed');
    assert.equal(r.questionnaire, 'urn:openvisit:questionnaire:visit-satisfaction|1.0.0');
    assert.deepEqual(r.subject, { reference: 'Patient/p1' });
    assert.deepEqual(r.encounter, { reference: 'Encounter/visit-1' });
    assert.deepEqual(r.author, { reference: 'Patient/p1' });
    assert.equal(r.authored, '2025-03-03T14:40:00Z');
    assert.deepEqual(
      r.item?.map((i) => [i.linkId, i.answer]),
      [
        ['score', [{ valueInteger: 5 }]],
        ['comment', [{ valueString: 'Easy to join, thank you.' }]],
      ],
    );
  });

  it('records the clinician’s side, about the same patient, without a comment', () => {
    for (const comment of [undefined, '', '   ']) {
      const r = satisfactionResponse(
        { score: 2, ...(comment !== undefined ? { comment } : {}) },
        {
          ...CTX,
          author: 'Practitioner/dr1',
        },
      );
      assertValid(r);
      assert.deepEqual(r.author, { reference: 'Practitioner/dr1' });
      assert.deepEqual(r.subject, { reference: 'Patient/p1' });
      assert.deepEqual(
        r.item?.map((i) => i.linkId),
        ['score'],
      );
    }
  });

  it('names each problem: score missing, out of 1..5, not an integer; comment too long; extras', () => {
    assert.deepEqual(problemsOf({}), ['score required']);
    assert.deepEqual(problemsOf({ score: 0 }), ['score out-of-range']);
    assert.deepEqual(problemsOf({ score: 6 }), ['score out-of-range']);
    assert.deepEqual(problemsOf({ score: 3.5 }), ['score wrong-type']);
    assert.deepEqual(problemsOf({ score: '4' }), ['score wrong-type']);
    assert.deepEqual(problemsOf({ score: Number.NaN }), ['score wrong-type']);
    assert.deepEqual(problemsOf({ score: 4, comment: 'x'.repeat(1001) }), ['comment too-long']);
    assert.deepEqual(problemsOf({ score: 4, comment: 12 }), ['comment wrong-type']);
    assert.deepEqual(problemsOf({ score: 4, stars: 5 }), ['stars unknown-item']);
    assert.deepEqual(problemsOf('five'), ['* wrong-type']);
    assert.equal(satisfactionResponse({ score: 1, comment: 'x'.repeat(1000) }, CTX).item?.length, 2);
  });

  it('never echoes the comment in the error, and becomes a 422 naming linkIds only', () => {
    const secret = 'my depression medication made me dizzy';
    let thrown: unknown;
    try {
      satisfactionResponse({ score: 9, comment: `${secret} `.repeat(50) }, CTX);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof SurveyError);
    const http = checkinHttpError(thrown);
    assert.ok(http instanceof FhirError);
    assert.equal(http.status, 422);
    const text = `${thrown.message} ${JSON.stringify(thrown.problems)} ${JSON.stringify(http.outcome)}`;
    for (const leak of ['depression', 'dizzy', '9']) assert.ok(!text.includes(leak), `mentions ${leak}`);
    assert.deepEqual(
      http.issues.map((i) => [i.code, i.diagnostics]),
      [
        ['value', 'score: out-of-range'],
        ['value', 'comment: too-long'],
      ],
    );
  });

  it('only the patient or a practitioner answers it', () => {
    assert.throws(
      () => satisfactionResponse({ score: 3 }, { ...CTX, author: 'RelatedPerson/mum' }),
      TypeError,
    );
    assert.throws(() => satisfactionResponse({ score: 3 }, { ...CTX, encounterId: 'a/b' }), TypeError);
  });
});
