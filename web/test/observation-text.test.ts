import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conceptText } from '../src/api/fhir-text.js';
import { flagOf, quantityText, rangeText, valueText, type Observation } from '../src/api/observation-text.js';

const glucose = (value: number, interpretation?: string): Observation => ({
  code: { text: 'Glucose' },
  valueQuantity: { value, unit: 'mg/dL' },
  referenceRange: [{ low: { value: 70, unit: 'mg/dL' }, high: { value: 99, unit: 'mg/dL' } }],
  ...(interpretation ? { interpretation: [{ coding: [{ code: interpretation }] }] } : {}),
});

describe('results', () => {
  it('writes values and ranges per locale', () => {
    assert.equal(quantityText({ value: 1234.5, unit: 'mg/dL' }, 'en'), '1,234.5 mg/dL');
    assert.equal(quantityText({ value: 1234.5, unit: 'mg/dL' }, 'es'), '1234,5 mg/dL');
    assert.equal(rangeText(glucose(80), 'en'), '70 – 99 mg/dL');
    assert.equal(rangeText({ referenceRange: [{ high: { value: 200 } }] }, 'en'), '≤ 200');
    assert.equal(rangeText({ referenceRange: [{ text: 'negative' }] }, 'en'), 'negative');
    assert.equal(rangeText({}, 'en'), '');
  });

  it('flags from the interpretation first, else from the range', () => {
    assert.equal(flagOf(glucose(120)), 'H');
    assert.equal(flagOf(glucose(60)), 'L');
    assert.equal(flagOf(glucose(80)), 'N');
    assert.equal(flagOf(glucose(80, 'HH')), 'H', 'the lab said so');
    assert.equal(flagOf(glucose(80, 'POS')), 'A');
    assert.equal(flagOf({ valueQuantity: { value: 5 } }), undefined);
  });

  it('shows coded, text and component values', () => {
    assert.equal(valueText({ valueCodeableConcept: { text: 'Positive' } }, 'en', conceptText), 'Positive');
    assert.equal(valueText({ valueString: 'see note' }, 'en', conceptText), 'see note');
    assert.equal(
      valueText(
        {
          component: [
            { valueQuantity: { value: 120, unit: 'mm[Hg]' } },
            { valueQuantity: { value: 80, unit: 'mm[Hg]' } },
          ],
        },
        'en',
        conceptText,
      ),
      '120 mm[Hg] / 80 mm[Hg]',
    );
  });
});
