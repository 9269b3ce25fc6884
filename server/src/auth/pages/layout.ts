/** The document shell and the building blocks the pages share (forms, fields, error messages). */

import { html, join, safeUrl, type HtmlValue, type SafeHtml } from './html.js';
import { LOCALE_NAMES, LOCALES, format, messages, type Locale, type Messages } from './messages.js';

export const PRODUCT_NAME = 'OpenVisit';

export interface PageAssets {
  /** Where the stylesheet (`STYLESHEET` in styles.ts) is served. */
  stylesheetUrl: string;
}

/** What every page needs. */
export interface PageContext {
  locale: Locale;
  assets: PageAssets;
  /** The language switcher links to `${switchUrl}?lang=<locale>`. */
  switchUrl: string;
  /** Pages without a form ignore it. */
  csrf?: string;
}

/** What every page with a form needs. */
export interface FormPageContext extends PageContext {
  /** Sent back in a hidden `csrf` field by every form. */
  csrf: string;
}

/** Fills `{name}` placeholders of a message with values that are escaped unless already safe. */
export function formatHtml(template: string, params: Readonly<Record<string, HtmlValue>>): SafeHtml {
  const parts: HtmlValue[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const name = match[1] ?? '';
    parts.push(template.slice(last, match.index), Object.hasOwn(params, name) ? params[name] : match[0]);
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  return join(parts);
}

/** "Try again in 3 minutes." — minutes rounded up; "Try again later." when the wait is unknown. */
export function retryText(m: Messages, retryAfterSeconds: number | undefined): string {
  if (retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds) || retryAfterSeconds <= 0) {
    return m.retryLater;
  }
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return minutes === 1 ? m.retryInMinutesOne : format(m.retryInMinutesOther, { minutes });
}

function switchHref(switchUrl: string, locale: Locale): string {
  const [base = '', fragment] = switchUrl.split('#', 2);
  const href = `${base}${base.includes('?') ? '&' : '?'}lang=${locale}`;
  return safeUrl(fragment === undefined ? href : `${href}#${fragment}`);
}

function languageSwitcher(ctx: PageContext, m: Messages): SafeHtml {
  const items = LOCALES.map((locale) => {
    const current = locale === ctx.locale && html` aria-current="true"`;
    const href = switchHref(ctx.switchUrl, locale);
    return html`<li><a href="${href}" hreflang="${locale}" lang="${locale}"${current}>${LOCALE_NAMES[locale]}</a></li>`;
  });
  return html`<nav class="lang" aria-label="${m.languageNav}"><ul>${items}</ul></nav>`;
}

export interface DocumentOptions {
  /** The page's heading text; the document title is built from it. */
  title: string;
  /** Prefixes the document title with "Error:" so the problem is announced first. */
  hasError?: boolean;
  /** The content of `<main>`, starting with its one `<h1>`. */
  main: SafeHtml;
}

/** A complete HTML5 document. */
export function renderDocument(ctx: PageContext, options: DocumentOptions): string {
  const m = messages[ctx.locale];
  const heading = options.hasError ? format(m.errorTitle, { title: options.title }) : options.title;
  return html`<!doctype html>
<html lang="${ctx.locale}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="same-origin">
<meta name="color-scheme" content="light">
<title>${heading} – ${PRODUCT_NAME}</title>
<link rel="stylesheet" href="${safeUrl(ctx.assets.stylesheetUrl)}">
</head>
<body>
<header class="site-header">
<p class="brand">${PRODUCT_NAME}</p>
${languageSwitcher(ctx, m)}
</header>
<main>
${options.main}
</main>
</body>
</html>
`.toString();
}

/**
 * A form that posts to `action` with the CSRF token. `novalidate`: the server's errors (announced,
 * linked to the field, in the page's language) are used rather than the browser's tooltips.
 */
export function postForm(
  action: string,
  csrf: string,
  content: SafeHtml,
  attributes: { role?: 'search'; csrfField?: string } = {},
): SafeHtml {
  const role = attributes.role !== undefined && html` role="${attributes.role}"`;
  return html`<form method="post" action="${safeUrl(action)}" novalidate${role}>
<input type="hidden" name="${attributes.csrfField ?? 'csrf'}" value="${csrf}">
${content}
</form>`;
}

/** The error message region: announced on load, and referenced by the fields it is about. */
export function errorAlert(id: string, paragraphs: readonly HtmlValue[]): SafeHtml {
  return html`<div class="alert" role="alert" id="${id}">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>`;
}

export interface TextFieldOptions {
  id: string;
  name: string;
  label: string;
  type: 'text' | 'password' | 'search';
  autocomplete: string;
  value?: string | undefined;
  hint?: HtmlValue;
  /** The id of the error message about this field; sets `aria-invalid`. */
  errorId?: string | undefined;
  className?: string;
  inputmode?: 'numeric';
  required?: boolean;
  /** For usernames, codes and names: no autocorrection. */
  verbatim?: boolean;
}

export function textField(o: TextFieldOptions): SafeHtml {
  const hintId = o.hint !== undefined ? `${o.id}-hint` : undefined;
  const describedBy = [hintId, o.errorId].filter((id) => id !== undefined).join(' ');
  const attributes = [
    o.className !== undefined && html` class="${o.className}"`,
    o.inputmode !== undefined && html` inputmode="${o.inputmode}"`,
    o.verbatim === true && html` autocapitalize="none" autocorrect="off" spellcheck="false"`,
    o.value !== undefined && o.value !== '' && html` value="${o.value}"`,
    o.required === true && html` required`,
    describedBy !== '' && html` aria-describedby="${describedBy}"`,
    o.errorId !== undefined && html` aria-invalid="true"`,
  ];
  const hint =
    hintId !== undefined &&
    html`
<p class="hint" id="${hintId}">${o.hint}</p>`;
  return html`<div class="field">
<label for="${o.id}">${o.label}</label>${hint}
<input id="${o.id}" name="${o.name}" type="${o.type}" autocomplete="${o.autocomplete}"${attributes}>
</div>`;
}

/** The 6-digit authenticator code field. */
export function codeField(m: Messages, hint: string, errorId: string | undefined): SafeHtml {
  return textField({
    id: 'code',
    name: 'code',
    label: m.codeLabel,
    type: 'text',
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    className: 'code',
    hint,
    errorId,
    required: true,
    verbatim: true,
  });
}

export function button(
  label: string,
  variant: 'primary' | 'secondary',
  nameValue?: [string, string],
): SafeHtml {
  const submits = nameValue !== undefined && html` name="${nameValue[0]}" value="${nameValue[1]}"`;
  return html`<button class="button button-${variant}" type="submit"${submits}>${label}</button>`;
}
