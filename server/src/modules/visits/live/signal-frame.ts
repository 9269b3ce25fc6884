/**
 * Reads a client's `signal` frame without parsing it into objects. Relayed signals are most of what
 * a visit socket carries (thousands a second on a busy node), and `JSON.parse` of an SDP-sized frame
 * allocates several times its size, which the garbage collector later pays for in pauses that delay
 * every socket. Here the frame is checked to be exactly the JSON that `JSON.parse` accepts, byte by
 * byte, and `data` is taken as the text it was sent as, to be relayed as it is.
 *
 * The bytes are a text frame's, which `ws` has checked to be valid UTF-8: every byte of JSON's
 * structure is ASCII, and bytes from 0x80 up appear only inside strings, where any are allowed.
 */

/** A `signal` frame's fields: `to` when it is a string, `data` as its JSON text (an object). */
export interface SignalFrame {
  to: string | undefined;
  data: string;
}

/**
 * `invalid`: not JSON (the same frames `JSON.parse` refuses). `other`: JSON, but not a `signal`
 * frame with an object as `data` (the caller parses it the usual way and answers it).
 */
export type ReadFrame = SignalFrame | 'invalid' | 'other';

/** Deeper than this, the frame is left to `JSON.parse` (SDP and candidates are two levels deep). */
const MAX_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Thrown inside the scanner only; `readSignalFrame` turns it into a result. */
class NotJson extends Error {}
class TooDeep extends Error {}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= ZERO && b <= NINE;
}

function isHex(b: number | undefined): boolean {
  return (
    b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66))
  );
}

class Scanner {
  i = 0;
  constructor(readonly b: Buffer) {}

  ws(): void {
    const b = this.b;
    let c = b[this.i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.i];
  }

  expect(byte: number): void {
    if (this.b[this.i] !== byte) throw new NotJson();
    this.i++;
  }

  /** Skips a string starting at its opening quote; says whether it holds an escape. */
  string(): boolean {
    const b = this.b;
    this.expect(QUOTE);
    let escaped = false;
    for (;;) {
      const c = b[this.i++];
      if (c === undefined || c < 0x20) throw new NotJson();
      if (c === QUOTE) return escaped;
      if (c !== BACKSLASH) continue;
      escaped = true;
      const e = b[this.i++];
      if (e === 0x75) {
        // \uXXXX
        for (let k = 0; k < 4; k++) if (!isHex(b[this.i++])) throw new NotJson();
      } else if (
        e !== QUOTE &&
        e !== BACKSLASH &&
        e !== 0x2f && // /
        e !== 0x62 && // b
        e !== 0x66 && // f
        e !== 0x6e && // n
        e !== 0x72 && // r
        e !== 0x74 // t
      )
        throw new NotJson();
    }
  }

  number(): void {
    const b = this.b;
    if (b[this.i] === MINUS) this.i++;
    if (b[this.i] === ZERO) this.i++;
    else if (isDigit(b[this.i])) while (isDigit(b[this.i])) this.i++;
    else throw new NotJson();
    if (b[this.i] === DOT) {
      this.i++;
      if (!isDigit(b[this.i])) throw new NotJson();
      while (isDigit(b[this.i])) this.i++;
    }
    if (b[this.i] === 0x65 || b[this.i] === 0x45) {
      this.i++;
      if (b[this.i] === PLUS || b[this.i] === MINUS) this.i++;
      if (!isDigit(b[this.i])) throw new NotJson();
      while (isDigit(b[this.i])) this.i++;
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++) this.expect(word.charCodeAt(k));
  }

  /** Skips one value (no whitespace around it). */
  value(depth: number): void {
    const c = this.b[this.i];
    if (c === QUOTE) this.string();
    else if (c === OPEN_BRACE) this.object(depth + 1, undefined);
    else if (c === OPEN_BRACKET) this.array(depth + 1);
    else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else this.number();
  }

  array(depth: number): void {
    if (depth > MAX_DEPTH) throw new TooDeep();
    this.expect(OPEN_BRACKET);
    this.ws();
    if (this.b[this.i] === CLOSE_BRACKET) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      this.value(depth);
      this.ws();
      const c = this.b[this.i++];
      if (c === CLOSE_BRACKET) return;
      if (c !== COMMA) throw new NotJson();
    }
  }

  /**
   * Skips an object; for the top level (`members` given), records where each member's key and value
   * are, the last one winning for a repeated key (as with `JSON.parse`).
   */
  object(depth: number, members: Members | undefined): void {
    if (depth > MAX_DEPTH) throw new TooDeep();
    this.expect(OPEN_BRACE);
    this.ws();
    if (this.b[this.i] === CLOSE_BRACE) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      const keyStart = this.i;
      const keyEscaped = this.string();
      const keyEnd = this.i;
      this.ws();
      this.expect(COLON);
      this.ws();
      const valueStart = this.i;
      this.value(depth);
      if (members) members.note(this.b, keyStart, keyEnd, keyEscaped, valueStart, this.i);
      this.ws();
      const c = this.b[this.i++];
      if (c === CLOSE_BRACE) return;
      if (c !== COMMA) throw new NotJson();
    }
  }
}

/** Where the top-level members the relay needs are: `t`, `to` and `data`. */
class Members {
  t: [number, number] | null = null;
  to: [number, number] | null = null;
  data: [number, number] | null = null;

  note(b: Buffer, keyStart: number, keyEnd: number, keyEscaped: boolean, start: number, end: number): void {
    // A key spelled with escapes (`"\u0074"`) is rare enough to decode the slow way.
    const key = keyEscaped ? (JSON.parse(b.toString('utf8', keyStart, keyEnd)) as string) : null;
    const len = keyEnd - keyStart;
    if (key === 't' || (len === 3 && b[keyStart + 1] === 0x74)) this.t = [start, end];
    else if (key === 'to' || (len === 4 && b[keyStart + 1] === 0x74 && b[keyStart + 2] === 0x6f))
      this.to = [start, end];
    else if (
      key === 'data' ||
      (len === 6 &&
        b[keyStart + 1] === 0x64 &&
        b[keyStart + 2] === 0x61 &&
        b[keyStart + 3] === 0x74 &&
        b[keyStart + 4] === 0x61)
    )
      this.data = [start, end];
  }
}

/** A string value's text, or undefined when the value is not a string. */
function stringAt(b: Buffer, [start, end]: [number, number]): string | undefined {
  if (b[start] !== QUOTE) return undefined;
  // Escapes are decoded the slow way; only this value's bytes are looked at.
  for (let i = start + 1; i < end - 1; i++)
    if (b[i] === BACKSLASH) return JSON.parse(b.toString('utf8', start, end)) as string;
  return b.toString('utf8', start + 1, end - 1);
}

export function readSignalFrame(frame: Buffer): ReadFrame {
  const s = new Scanner(frame);
  const members = new Members();
  try {
    s.ws();
    if (frame[s.i] !== OPEN_BRACE) {
      s.value(0);
      s.ws();
      return s.i === frame.length ? 'other' : 'invalid';
    }
    s.object(1, members);
    s.ws();
    if (s.i !== frame.length) return 'invalid';
  } catch (err) {
    if (err instanceof NotJson) return 'invalid';
    if (err instanceof TooDeep) return 'other';
    throw err;
  }
  if (!members.t || !members.data || stringAt(frame, members.t) !== 'signal') return 'other';
  if (frame[members.data[0]] !== OPEN_BRACE) return 'other';
  return {
    to: members.to ? stringAt(frame, members.to) : undefined,
    data: frame.toString('utf8', members.data[0], members.data[1]),
  };
}
