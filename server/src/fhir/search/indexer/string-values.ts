import { asArray, asObject, type ConverterTable } from './converter.js';

/** The text parts a HumanName or Address value is indexed by, each as its own string row. */
export const STRING_PARTS: Readonly<Record<'HumanName' | 'Address', readonly string[]>> = {
  HumanName: ['family', 'given', 'prefix', 'suffix', 'text'],
  Address: ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'],
};

function parts(names: readonly string[]): ConverterTable[string] {
  return (value, param, grp, sink) => {
    const o = asObject(value);
    if (!o) return;
    for (const name of names) for (const v of asArray(o[name])) sink.string(param, grp, v);
  };
}

/** string: one row per text part; `string` also covers its subtypes markdown, code and id. */
export const stringConverters: ConverterTable = {
  string: (value, param, grp, sink) => sink.string(param, grp, value),
  HumanName: parts(STRING_PARTS.HumanName),
  Address: parts(STRING_PARTS.Address),
};
