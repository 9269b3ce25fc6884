export { SearchEngine, type SearchEngineDeps } from './engine.js';
export { DEFAULT_COUNT, MAX_COUNT } from './parse.js';
export type { FoundResource, SearchRequest, SearchResult } from './types.js';
export { Subsetter } from './subset.js';
export type { SummaryMode } from './types.js';
