export { validateResource } from './validate-resource.js';
export type { ValidateOptions } from './validate-resource.js';
export { parseReference } from './reference-format.js';
export type { ParsedReference } from './reference-format.js';
export { expand } from './value-set-expansion.js';
export type { Expansion } from './value-set-expansion.js';
export { warmUpValidator } from './warm-up.js';
