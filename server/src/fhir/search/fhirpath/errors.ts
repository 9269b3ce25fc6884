/** Thrown at compile time for expressions outside the supported subset; the caller falls back to fhirpath.js. */
export class UnsupportedExpression extends Error {
  override readonly name = 'UnsupportedExpression';
}
