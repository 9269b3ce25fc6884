import type { Baseline } from './baseline.js';
import type { ScenarioResult } from './run-scenario.js';

export interface Row extends ScenarioResult {
  target: string;
  pass: boolean | undefined;
  /** Read only: rps ÷ the raw select rate. */
  ofBaseline?: number;
  serverCores: number;
  postgresCores: number | undefined;
  hitsMean?: number;
  hitsMax?: number;
}

function fmt(n: number | undefined, digits = 1): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function resultsTable(rows: Row[]): string {
  return table(
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'target', 'result'],
    rows.map((r) => [
      r.name,
      fmt(r.rps, 0),
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      String(r.errors),
      r.target,
      r.pass === undefined ? '(info)' : r.pass ? 'PASS' : 'FAIL',
    ]),
  );
}

export function detailTable(rows: Row[]): string {
  return table(
    ['scenario', 'requests', 'p90 ms', 'max ms', 'client CPU', 'server CPU', 'postgres CPU', 'hits/search'],
    rows.map((r) => [
      r.name,
      String(r.requests),
      fmt(r.p90, 2),
      fmt(r.max, 1),
      fmt(r.clientCores, 2),
      fmt(r.serverCores, 2),
      fmt(r.postgresCores, 2),
      r.hitsMean === undefined ? '' : `${fmt(r.hitsMean, 1)} (max ${r.hitsMax})`,
    ]),
  );
}

export function baselineLine(b: Baseline, read: Row | undefined): string {
  const ratio = read ? ` — read = ${fmt((read.rps / b.selectsPerSecond) * 100, 1)}% of it` : '';
  return `Baseline: raw PostgreSQL primary-key selects ${fmt(b.selectsPerSecond, 0)}/s (${b.command})${ratio}`;
}
