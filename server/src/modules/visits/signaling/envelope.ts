import { isSafeToken } from './visit-subject.js';
import type { SignalBody, SignalMessage } from './types.js';

/** Signaling messages are small; 64 KiB holds a large SDP with room to spare. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The wire form, JSON `{origin, seq, body}`. The in-process bus uses it too, so a body that would
 * not survive the network (a Date, a Map, a cycle, a BigInt) fails or changes the same way there.
 * Errors name the rule, never the content: bodies may hold SDP with addresses.
 */
export function encodeSignal(message: SignalMessage, maxBytes: number): Uint8Array {
  return encoder.encode(encodeSignalText(message, maxBytes));
}

/** The wire form as text, checked like `encodeSignal` (the in-process bus needs no bytes). */
export function encodeSignalText(message: SignalMessage, maxBytes: number): string {
  // A top-level toJSON could turn the body into a string or array that receivers would drop.
  if (!isPlainObject(message.body) || typeof message.body.toJSON === 'function') {
    throw new TypeError('signal body must be a JSON object');
  }
  let json: string;
  try {
    json = JSON.stringify({ origin: message.origin, seq: message.seq, body: message.body });
  } catch {
    throw new TypeError('signal body is not serializable as JSON');
  }
  // UTF-8 is at most 3 bytes per UTF-16 unit: most messages are sized without being measured.
  if (json.length * 3 > maxBytes && Buffer.byteLength(json, 'utf8') > maxBytes)
    throw new RangeError(`signal message exceeds ${maxBytes} bytes`);
  return json;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses and checks an envelope; undefined for anything malformed (a foreign publisher on the
 * subject, a truncated frame). The result is frozen because every local handler shares it.
 */
export function decodeSignal(bytes: Uint8Array): SignalMessage | undefined {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  return decodeSignalText(text);
}

/** `decodeSignal` of text already decoded. */
export function decodeSignalText(text: string): SignalMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const { origin, seq, body } = parsed;
  if (!isSafeToken(origin) || !Number.isSafeInteger(seq) || (seq as number) < 1 || !isPlainObject(body)) {
    return undefined;
  }
  return deepFreeze({ origin, seq: seq as number, body: body as SignalBody });
}
