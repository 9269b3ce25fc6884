import type { ConverterTable } from './converter.js';

/**
 * uri: uri and its subtypes (url, canonical, oid, uuid). A versioned canonical (`url|1.0`) is
 * indexed both as written and without the version, so `_profile=url` finds it.
 */
export const uriConverters: ConverterTable = {
  uri: (value, param, grp, sink) => sink.uri(param, grp, value),
  canonical: (value, param, grp, sink) => {
    sink.uri(param, grp, value);
    if (typeof value === 'string' && value.includes('|'))
      sink.uri(param, grp, value.slice(0, value.indexOf('|')));
  },
};
