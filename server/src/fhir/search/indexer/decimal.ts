/** A decimal as stored: the value and the range its precision implies, all as exact decimal strings. */
export interface DecimalRange {
  value: string;
  lo: string;
  hi: string;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Formats n × 10^-scale without floating point. */
function format(n: bigint, scale: number): string {
  if (scale <= 0) return (n * 10n ** BigInt(-scale)).toString();
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, -scale);
  const frac = digits.slice(-scale);
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/**
 * The value and its precision range, by decimal arithmetic on the digits: 1.5 covers [1.45, 1.55),
 * 100 covers [99.5, 100.5), 1e3 covers [500, 1500). JSON numbers have lost trailing zeros by the
 * time a resource is parsed, so 1.50 is indexed as 1.5.
 */
export function decimalRange(input: unknown): DecimalRange | undefined {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    text = String(input);
  } else if (typeof input === 'string') text = input.trim();
  else return undefined;
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const scale = frac.length - Number(exp);
  const n = BigInt(`${sign === '-' ? '-' : ''}${int}${frac}`);
  const value = format(n, Math.max(scale, 0));
  return { value, lo: format(n * 10n - 5n, scale + 1), hi: format(n * 10n + 5n, scale + 1) };
}
