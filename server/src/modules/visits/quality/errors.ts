/**
 * A measurement or policy value that cannot be right: NaN, infinite, negative, or out of range.
 * Thrown rather than clamped so that a units mix-up (seconds for milliseconds, a fraction for a
 * percentage) or a broken client shows up at the boundary instead of as a plausible-looking score.
 */
export class QualityInputError extends Error {
  override readonly name = 'QualityInputError';

  constructor(
    /** The offending input, e.g. `rttMs` or `policy.sustainSeconds`. */
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** `value` if it is a finite number within [min, max]; throws QualityInputError naming `field` otherwise. */
export function requireInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new QualityInputError(field, `must be a finite number, got ${String(value)}`);
  if (value < min || value > max)
    throw new QualityInputError(field, `must be within ${min}..${max}, got ${value}`);
  return value;
}
