import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '../src/api/observation-text.js';
import { groupResults } from '../src/api/result-groups.js';

const LOINC = 'http://loinc.org';
const ldl = (when: string, value: number, unit = 'mg/dL'): Observation => ({
  id: `ldl-${when}`,
  code: { coding: [{ system: LOINC, code: '18262-6' }], text: 'LDL' },
  effectiveDateTime: when,
  valueQuantity: { value, unit, code: unit },
});
const hba1c = (when: string, value: number): Observation => ({
  id: `a1c-${when}`,
  code: { coding: [{ system: LOINC, code: '4548-4' }], text: 'HbA1c' },
  effectiveDateTime: when,
  valueQuantity: { value, unit: '%', code: '%' },
});

describe('results grouped by test', () => {
  it('gives one row per test, its latest value first and its history newest first', () => {
    const groups = groupResults([
      ldl('2024-05-01', 130),
      hba1c('2025-01-10', 6.1),
      ldl('2025-02-01', 110),
      ldl('2023-03-01', 150),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.key, g.latest.id, g.history.map((o) => o.id)]),
      [
        [`${LOINC}|18262-6`, 'ldl-2025-02-01', ['ldl-2025-02-01', 'ldl-2024-05-01', 'ldl-2023-03-01']],
        [`${LOINC}|4548-4`, 'a1c-2025-01-10', ['a1c-2025-01-10']],
      ],
    );
  });

  it('draws the trend oldest first, in the latest unit only', () => {
    const [group] = groupResults([
      ldl('2025-02-01', 2.8, 'mmol/L'),
      ldl('2024-05-01', 130),
      ldl('2023-03-01', 3.9, 'mmol/L'),
    ]);
    assert.ok(group);
    assert.deepEqual(group.series, [
      { when: '2023-03-01', value: 3.9 },
      { when: '2025-02-01', value: 2.8 },
    ]);
    assert.equal(group.history.length, 3, 'the other unit stays in the history');
  });

  it('groups uncoded results by their text and leaves coded answers out of the trend', () => {
    const groups = groupResults([
      {
        code: { text: 'Urine colour' },
        effectiveDateTime: '2025-01-01',
        valueCodeableConcept: { text: 'Yellow' },
      },
      {
        code: { text: 'Urine colour' },
        effectiveDateTime: '2024-01-01',
        valueCodeableConcept: { text: 'Amber' },
      },
    ]);
    assert.equal(groups.length, 1);
    assert.equal(groups[0]?.history.length, 2);
    assert.deepEqual(groups[0]?.series, []);
  });
});
