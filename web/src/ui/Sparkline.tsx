/**
 * A small line of numeric values over time (oldest first), for a table cell or a dialog. Drawn in
 * the text colour; `label` says in words what it shows, since a line is not read by screen readers.
 */
export function Sparkline({
  values,
  label,
  width = 96,
  height = 24,
}: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}) {
  if (values.length < 2) return null;
  const low = Math.min(...values);
  const high = Math.max(...values);
  // The scale spans at least a tenth of the values' size, so 87.1 → 86.8 looks as small as it is;
  // a flat series sits in the middle.
  const mid = (low + high) / 2;
  const span = Math.max(high - low, Math.abs(mid) * 0.1, Number.EPSILON);
  const min = mid - span / 2;
  const pad = 3;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / (values.length - 1);
  const y = (v: number) => pad + ((min + span - v) * (height - 2 * pad)) / span;
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values.length - 1;
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      style={{ display: 'block', overflow: 'visible' }}
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinejoin="round" />
      <circle cx={x(last)} cy={y(values[last] ?? 0)} r={2.5} fill="currentColor" />
    </svg>
  );
}
