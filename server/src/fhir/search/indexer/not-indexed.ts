import type { SearchParamType } from '../../definitions/index.js';

/**
 * FHIR types that R4 search expressions can reach but that have no meaningful value for the
 * parameter's type, so they deliberately yield no rows (the coverage test accepts exactly these).
 */
export const NOT_INDEXED: Partial<Record<SearchParamType, readonly string[]>> = {
  // Procedure.performed[x], Immunization.occurrence[x], CarePlan…scheduled[x]: free text and ages are not instants.
  date: ['string', 'Age', 'Range'],
  // Group.characteristic.value[x] in characteristic-value: not codes.
  token: ['Quantity', 'Range', 'Reference'],
  // Observation.value as SampledData: a series of samples, not one quantity.
  quantity: ['SampledData'],
  // Consent.source[x] as Attachment; Bundle.entry[0].resource (composition/message): an inline resource, not a reference.
  reference: ['Attachment', 'Resource'],
};
