/**
 * Case- and accent-insensitive form used for string search: both the stored `norm` column and the
 * search value pass through this, so they compare equal exactly when FHIR says they match.
 */
export function normalizeString(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
