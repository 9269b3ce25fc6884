/**
 * A tiny, escaping HTML builder. `html` is a tagged template: every interpolated value is escaped
 * unless it is a `SafeHtml` that `html` (or `raw`) made. Only this module can make a `SafeHtml`, so
 * a string from a request, the database or a client registration can never reach a page unescaped.
 */

let mint: (markup: string) => SafeHtml;

/** Markup that is safe to insert as is. Nominal: a look-alike object or string is not accepted. */
export class SafeHtml {
  readonly #markup: string;

  private constructor(markup: string) {
    this.#markup = markup;
  }

  static {
    mint = (markup) => new SafeHtml(markup);
  }

  /** True only for values made by `html` or `raw` (not for objects that merely look like one). */
  static is(value: unknown): value is SafeHtml {
    return typeof value === 'object' && value !== null && #markup in value;
  }

  toString(): string {
    return this.#markup;
  }
}

/** What may be interpolated: nothing (`undefined`, `null`, `false` render as nothing), text, or lists of those. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (SafeHtml.is(value)) return value.toString();
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(String(value));
}

/** The tagged template: html`<p>${userText}</p>`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return mint(out);
}

/**
 * Markup from a constant. The type only admits string literals, so a computed or user-supplied
 * string does not compile (`raw(someVariable)` is an error unless its type is a literal).
 */
export function raw<T extends string>(constant: string extends T ? never : T): SafeHtml {
  return mint(constant);
}

/** Joins values (each escaped unless safe) with a safe separator. */
export function join(values: readonly HtmlValue[], separator: SafeHtml = raw('')): SafeHtml {
  return mint(values.map((v) => render(v)).join(separator.toString()));
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * A URL for `href`/`action`/`src`: relative URLs and http(s) only (or `allowedSchemes`). Anything
 * else (`javascript:`, `data:`, protocol-relative `//host`, spaces, backslashes, control characters)
 * becomes `about:invalid`, which goes nowhere. The result is still escaped where it is inserted.
 */
export function safeUrl(url: string, allowedSchemes: readonly string[] = ['http', 'https']): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s\\]/.test(url)) return 'about:invalid';
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return url.startsWith('//') ? 'about:invalid' : url;
  return allowedSchemes.includes(scheme) ? url : 'about:invalid';
}
