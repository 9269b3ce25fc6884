import { en, type MessageKey } from './en.js';

/** `prefix.value` when the catalog has it, else `prefix.other`: for codes from the server. */
export function keyOr(prefix: string, value: string): MessageKey {
  const key = `${prefix}.${value}`;
  return (key in en ? key : `${prefix}.other`) as MessageKey;
}
