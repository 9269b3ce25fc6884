import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimeline } from '../src/api/timeline.js';

describe('the chart timeline', () => {
  it('tells the chart newest first, results grouped per day, undated things left out', () => {
    const events = buildTimeline({
      encounters: [{ type: [{ text: 'Check-up' }], period: { start: '2024-03-01T09:00:00Z' } }, { type: [] }],
      conditions: [{ code: { text: 'Asthma' }, onsetDateTime: '2019-05-02' }],
      immunizations: [{ vaccineCode: { text: 'Influenza' }, occurrenceDateTime: '2024-03-01T09:30:00Z' }],
      results: [
        { effectiveDateTime: '2024-03-01T10:00:00Z' },
        { effectiveDateTime: '2024-03-01T10:00:00Z' },
        { effectiveDateTime: '2023-01-10T08:00:00Z' },
      ],
    });
    assert.deepEqual(
      events.map((e) => [e.day, e.kind, e.text || e.count]),
      [
        ['2024-03-01', 'encounter', 'Check-up'],
        ['2024-03-01', 'result', 2],
        ['2024-03-01', 'immunization', 'Influenza'],
        ['2023-01-10', 'result', 1],
        ['2019-05-02', 'condition', 'Asthma'],
      ],
    );
  });
});
