import type { Observation } from './observation-text.js';

export interface ResultGroup<O extends Observation> {
  /** The test: its first coding's system and code, else its text. */
  key: string;
  latest: O;
  /** Every result of the test, newest first (`latest` included). */
  history: O[];
  /** The numeric values in the latest result's unit, oldest first: the trend. */
  series: { when: string; value: number }[];
}

function testKey(o: Observation): string {
  const coding = o.code?.coding?.find((c) => c.code);
  if (coding) return `${coding.system ?? ''}|${coding.code ?? ''}`;
  return `text|${o.code?.text ?? ''}`;
}

function whenOf(o: Observation): string {
  return o.effectiveDateTime ?? o.issued ?? '';
}

/**
 * Results one row per test, as patients and clinicians read them: the latest value with its history
 * and trend behind it. Tests are ordered by their latest result, newest first; a value in another
 * unit than the latest stays in the history but out of the trend (it would not compare).
 */
export function groupResults<O extends Observation>(results: readonly O[]): ResultGroup<O>[] {
  const byTest = new Map<string, O[]>();
  for (const o of results) {
    const key = testKey(o);
    const list = byTest.get(key);
    if (list) list.push(o);
    else byTest.set(key, [o]);
  }
  const groups: ResultGroup<O>[] = [];
  for (const [key, list] of byTest) {
    const history = [...list].sort((a, b) => whenOf(b).localeCompare(whenOf(a)));
    const latest = history[0];
    if (!latest) continue;
    const unit = latest.valueQuantity?.code ?? latest.valueQuantity?.unit;
    const series = history
      .filter(
        (o) =>
          o.valueQuantity?.value !== undefined &&
          (o.valueQuantity.code ?? o.valueQuantity.unit) === unit &&
          whenOf(o) !== '',
      )
      .map((o) => ({ when: whenOf(o), value: o.valueQuantity?.value ?? 0 }))
      .reverse();
    groups.push({ key, latest, history, series });
  }
  return groups.sort((a, b) => whenOf(b.latest).localeCompare(whenOf(a.latest)));
}
