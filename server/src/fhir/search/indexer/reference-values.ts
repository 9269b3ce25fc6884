import { asObject, type ConverterTable } from './converter.js';
import type { ReferenceParser } from './reference.js';

/**
 * reference: Reference.reference (Reference.identifier and display are not searched this way),
 * canonical (version split off) and uri values.
 */
export function referenceConverters(parser: ReferenceParser): ConverterTable {
  return {
    Reference: (value, param, grp, sink) => {
      const ref = asObject(value)?.reference;
      if (typeof ref === 'string' && ref !== '') sink.reference(param, grp, parser.reference(ref));
    },
    canonical: (value, param, grp, sink) => {
      if (typeof value === 'string' && value !== '') sink.reference(param, grp, parser.canonical(value));
    },
    uri: (value, param, grp, sink) => {
      if (typeof value === 'string' && value !== '') sink.reference(param, grp, parser.reference(value));
    },
  };
}
