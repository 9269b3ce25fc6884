/** A jsonb column as the pool returns it: text (the pool keeps JSON unparsed, for FHIR's exact bytes). */
export function jsonColumn<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
