import { asArray, asObject, type ConverterTable } from './converter.js';

const HUMAN_NAME_PARTS = ['family', 'given', 'prefix', 'suffix', 'text'];
const ADDRESS_PARTS = ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'];

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
  HumanName: parts(HUMAN_NAME_PARTS),
  Address: parts(ADDRESS_PARTS),
};
