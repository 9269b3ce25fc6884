/**
 * The pages of the sign-in flow. Each is a pure function of its data that returns a complete HTML5
 * document: no scripts, no inline styles, every form a POST with the CSRF token.
 */

import { html, safeUrl, type SafeHtml } from './html.js';
import {
  button,
  codeField,
  errorAlert,
  formatHtml,
  postForm,
  renderDocument,
  retryText,
  textField,
  type FormPageContext,
  type PageContext,
} from './layout.js';
import { format, messages, type Locale } from './messages.js';
import { describeScope, type ConsentScope } from './scopes.js';

const strong = (text: string): SafeHtml => html`<strong>${text}</strong>`;

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

// ---------------------------------------------------------------------------------------------
// Sign-in

export type LoginError = 'invalid' | 'locked' | 'disabled' | 'required' | 'federation';

export interface LoginPageData extends FormPageContext {
  action: string;
  /** The organisation signed in to, e.g. "Riverside Clinic". */
  tenantName: string;
  /** The app that asked for the sign-in. */
  clientName: string;
  /** The username typed before, kept after an error (never the password). */
  username?: string;
  error?: LoginError;
  /** With `locked`: how long until signing in is possible again. */
  retryAfterSeconds?: number;
  /** Staff sign-in through the organisation's own identity provider, when the tenant has one. */
  federation?: { displayName: string; url: string };
}

export function loginPage(d: LoginPageData): string {
  const m = messages[d.locale];
  const title = format(m.loginTitle, { tenantName: d.tenantName });
  const errorId = 'login-error';
  let alert: SafeHtml | undefined;
  // Which fields the error is about: a wrong pair marks both (never saying which one was wrong).
  let usernameInvalid = false;
  let passwordInvalid = false;
  switch (d.error) {
    case 'invalid':
      alert = errorAlert(errorId, [m.loginErrorInvalid]);
      usernameInvalid = passwordInvalid = true;
      break;
    case 'required':
      alert = errorAlert(errorId, [m.loginErrorRequired]);
      usernameInvalid = !present(d.username);
      passwordInvalid = true;
      break;
    case 'locked':
      alert = errorAlert(errorId, [m.loginErrorLocked, retryText(m, d.retryAfterSeconds)]);
      break;
    case 'disabled':
      alert = errorAlert(errorId, [format(m.loginErrorDisabled, { tenantName: d.tenantName })]);
      break;
    case 'federation':
      alert = errorAlert(errorId, [
        format(m.loginErrorFederation, { providerName: d.federation?.displayName ?? d.tenantName }),
      ]);
      break;
  }
  const username = textField({
    id: 'username',
    name: 'username',
    label: m.loginUsername,
    type: 'text',
    autocomplete: 'username',
    value: d.username,
    errorId: usernameInvalid ? errorId : undefined,
    required: true,
    verbatim: true,
  });
  const password = textField({
    id: 'password',
    name: 'password',
    label: m.loginPassword,
    type: 'password',
    autocomplete: 'current-password',
    errorId: passwordInvalid ? errorId : undefined,
    required: true,
  });
  const form = postForm(
    d.action,
    d.csrf,
    html`${username}
${password}
${button(m.loginSubmit, 'primary')}`,
  );
  // A link, not a form: following it leaves for the provider, which a form's CSP would block.
  const federation =
    d.federation &&
    html`<section class="federation" aria-labelledby="federation-heading">
<h2 id="federation-heading">${m.loginFederationHeading}</h2>
<p><a class="button button-secondary" href="${safeUrl(d.federation.url)}">${format(m.loginFederationLink, { providerName: d.federation.displayName })}</a></p>
</section>`;
  return renderDocument(d, {
    title,
    hasError: alert !== undefined,
    main: html`<h1>${title}</h1>
<p>${formatHtml(m.loginIntro, { clientName: strong(d.clientName) })}</p>
${alert}
${form}
${federation}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Authenticator (TOTP) enrolment and verification

export interface MfaEnrollPageData extends FormPageContext {
  action: string;
  /** The base32 secret, shown in groups of 4 for typing into an app. */
  secret: string;
  /** `otpauth://totp/...`; offered as a link for an authenticator app on the same device. */
  otpauthUri: string;
  /** The QR code of `otpauthUri`, built with `html` (e.g. from the QR modules as `<rect>`s). */
  qrSvg?: SafeHtml;
  error?: 'invalid-code';
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP". */
export function groupSecret(secret: string): string {
  return (secret.replace(/[\s-]+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

export function mfaEnrollPage(d: MfaEnrollPageData): string {
  const m = messages[d.locale];
  const errorId = d.error !== undefined ? 'code-error' : undefined;
  const qr =
    d.qrSvg !== undefined &&
    html`<p>${m.mfaEnrollScan}</p>
<div class="qr" role="img" aria-label="${m.mfaEnrollQrAlt}">${d.qrSvg}</div>`;
  const otpauthHref = safeUrl(d.otpauthUri, ['otpauth']);
  const openApp =
    otpauthHref !== 'about:invalid' && html`<p><a href="${otpauthHref}">${m.mfaEnrollOpenApp}</a></p>`;
  const form = postForm(
    d.action,
    d.csrf,
    html`${codeField(m, m.mfaEnrollCodeHint, errorId)}
${button(m.mfaEnrollSubmit, 'primary')}`,
  );
  return renderDocument(d, {
    title: m.mfaEnrollTitle,
    hasError: errorId !== undefined,
    main: html`<h1>${m.mfaEnrollTitle}</h1>
<p>${m.mfaEnrollIntro}</p>
${errorId !== undefined && errorAlert(errorId, [m.mfaErrorInvalidCode])}
${qr}
<p>${d.qrSvg !== undefined ? m.mfaEnrollManual : m.mfaEnrollManualOnly}</p>
<figure class="secret">
<figcaption>${m.mfaEnrollSecretLabel}</figcaption>
<code>${groupSecret(d.secret)}</code>
</figure>
<p class="hint">${m.mfaEnrollSecretHint}</p>
${openApp}
<h2>${m.mfaEnrollConfirmHeading}</h2>
${form}`,
  });
}

export interface MfaVerifyPageData extends FormPageContext {
  action: string;
  error?: 'invalid-code' | 'locked';
  /** With `locked`: how long until codes are accepted again. */
  retryAfterSeconds?: number;
}

export function mfaVerifyPage(d: MfaVerifyPageData): string {
  const m = messages[d.locale];
  const errorId = 'code-error';
  let alert: SafeHtml | undefined;
  if (d.error === 'invalid-code') alert = errorAlert(errorId, [m.mfaErrorInvalidCode]);
  if (d.error === 'locked')
    alert = errorAlert(errorId, [m.mfaErrorLocked, retryText(m, d.retryAfterSeconds)]);
  const form = postForm(
    d.action,
    d.csrf,
    html`${codeField(m, m.mfaVerifyHint, d.error === 'invalid-code' ? errorId : undefined)}
${button(m.mfaVerifySubmit, 'primary')}`,
  );
  return renderDocument(d, {
    title: m.mfaVerifyTitle,
    hasError: alert !== undefined,
    main: html`<h1>${m.mfaVerifyTitle}</h1>
${alert}
${form}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Consent

export interface ConsentPageData extends FormPageContext {
  /** Where Allow posts. */
  action: string;
  /** Where Don't allow posts. */
  abortAction: string;
  clientName: string;
  scopes: readonly ConsentScope[];
  /** For a clinician's launch: the patient whose record the app will open. */
  patientName?: string;
}

export function consentPage(d: ConsentPageData): string {
  const m = messages[d.locale];
  const title = format(m.consentTitle, { clientName: d.clientName });
  // Several scopes can read the same (e.g. two spellings of one permission): list each once.
  const items = [...new Set(d.scopes.map((s) => describeScope(s, d.locale, d.patientName)))];
  const patient =
    present(d.patientName) &&
    html`<p>${formatHtml(m.consentPatient, { patientName: strong(d.patientName) })}</p>`;
  return renderDocument(d, {
    title,
    main: html`<h1>${title}</h1>
${patient}
<p>${formatHtml(m.consentIntro, { clientName: strong(d.clientName) })}</p>
<ul class="scopes">${items.map((item) => html`<li>${item}</li>`)}</ul>
<p>${format(m.consentTrust, { clientName: d.clientName })}</p>
<div class="actions">
${postForm(d.action, d.csrf, button(m.consentAllow, 'primary'))}
${postForm(d.abortAction, d.csrf, button(m.consentDeny, 'secondary'))}
</div>`,
  });
}

// ---------------------------------------------------------------------------------------------
// Patient picker

export interface PatientResult {
  /** The Patient resource id, posted as `patient`. */
  id: string;
  name: string;
  /** A FHIR date: YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDate?: string;
}

export type PatientPickerError = 'no-selection' | 'query-required';

export interface PatientPickerPageData extends FormPageContext {
  /**
   * Both forms post here: the search sends `query` and `intent=search`; the choice sends `patient`,
   * `intent=select` and the `query` again (so an error can show the same results).
   */
  action: string;
  query?: string;
  results: readonly PatientResult[];
  error?: PatientPickerError;
}

/** A FHIR date in the reader's language, in a `<time>`; a value that is not a valid date is shown as is. */
export function formatBirthDate(value: string, locale: Locale): SafeHtml {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (match === null) return html`${value}`;
  const [, y, mo, da] = match;
  if (mo === undefined) return html`<time datetime="${value}">${y}</time>`;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, da === undefined ? 1 : Number(da)));
  const valid =
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    (da === undefined || date.getUTCDate() === Number(da));
  if (!valid) return html`${value}`;
  const options: Intl.DateTimeFormatOptions =
    da === undefined
      ? { year: 'numeric', month: 'long', timeZone: 'UTC' }
      : { dateStyle: 'long', timeZone: 'UTC' };
  const text = new Intl.DateTimeFormat(locale, options).format(date);
  return html`<time datetime="${value}">${text}</time>`;
}

export function patientPickerPage(d: PatientPickerPageData): string {
  const m = messages[d.locale];
  const query = d.query ?? '';
  const errorId = 'picker-error';
  let alert: SafeHtml | undefined;
  if (d.error === 'no-selection') alert = errorAlert(errorId, [m.pickerErrorNoSelection]);
  if (d.error === 'query-required') alert = errorAlert(errorId, [m.pickerErrorQueryRequired]);

  const queryField = textField({
    id: 'patient-query',
    name: 'query',
    label: m.pickerSearchLabel,
    type: 'search',
    // Patient names are not worth keeping in the browser's form history.
    autocomplete: 'off',
    value: query,
    errorId: d.error === 'query-required' ? errorId : undefined,
    verbatim: true,
  });
  const search = postForm(
    d.action,
    d.csrf,
    html`${queryField}
${button(m.pickerSearchSubmit, 'secondary', ['intent', 'search'])}`,
    { role: 'search' },
  );

  let results: SafeHtml | undefined;
  if (d.results.length > 0) {
    const count =
      d.results.length === 1 ? m.pickerCountOne : format(m.pickerCountOther, { count: d.results.length });
    const invalid = d.error === 'no-selection' && html` aria-invalid="true" aria-describedby="${errorId}"`;
    const choices = d.results.map((r, i) => {
      const born =
        present(r.birthDate) &&
        html`<span class="meta">${formatHtml(m.pickerBorn, { date: formatBirthDate(r.birthDate, d.locale) })}</span>`;
      return html`<li class="choice">
<input type="radio" id="patient-${i}" name="patient" value="${r.id}"${invalid}>
<label for="patient-${i}"><span class="name">${r.name}</span>${born}</label>
</li>`;
    });
    const legend = query !== '' ? format(m.pickerResultsLegend, { query }) : m.pickerResultsLegendNoQuery;
    results = postForm(
      d.action,
      d.csrf,
      html`<input type="hidden" name="query" value="${query}">
<fieldset aria-describedby="patient-count">
<legend>${legend}</legend>
<p class="hint" id="patient-count">${count}</p>
<ul class="choices">${choices}</ul>
</fieldset>
${button(m.pickerSubmit, 'primary', ['intent', 'select'])}`,
    );
  } else if (query !== '') {
    results = html`<p>${format(m.pickerNoResults, { query })}</p>`;
  }

  return renderDocument(d, {
    title: m.pickerTitle,
    hasError: alert !== undefined,
    main: html`<h1>${m.pickerTitle}</h1>
<p>${m.pickerIntro}</p>
${alert}
${search}
${results}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Errors and sign-out

export type ErrorPageKind = 'generic' | 'expired' | 'not-found';

export interface ErrorPageData extends PageContext {
  title: ErrorPageKind;
  /** Shown for support; nothing else about the failure is. */
  requestId?: string;
}

export function errorPage(d: ErrorPageData): string {
  const m = messages[d.locale];
  const [title, body] =
    d.title === 'expired'
      ? [m.errorExpiredTitle, m.errorExpiredBody]
      : d.title === 'not-found'
        ? [m.errorNotFoundTitle, m.errorNotFoundBody]
        : [m.errorGenericTitle, m.errorGenericBody];
  const reference =
    present(d.requestId) && html`<p class="reference">${m.errorRequestId} <code>${d.requestId}</code></p>`;
  return renderDocument(d, {
    title,
    main: html`<h1>${title}</h1>
<p>${body}</p>
${reference}`,
  });
}

export function loggedOutPage(d: PageContext): string {
  const m = messages[d.locale];
  return renderDocument(d, {
    title: m.loggedOutTitle,
    main: html`<h1>${m.loggedOutTitle}</h1>
<p>${m.loggedOutBody}</p>`,
  });
}

export interface LogoutConfirmPageData extends FormPageContext {
  action: string;
  /** The app that asked for the sign-out, when known. */
  clientName?: string;
  /** The name the anti-forgery value is posted under (the authorization server's logout form wants `xsrf`). */
  csrfField?: string;
}

/** RP-initiated logout. The button posts `logout=yes`: end the whole session, not one app's. */
export function logoutConfirmPage(d: LogoutConfirmPageData): string {
  const m = messages[d.locale];
  const askedBy =
    present(d.clientName) &&
    html`<p>${formatHtml(m.logoutAskedBy, { clientName: strong(d.clientName) })}</p>`;
  return renderDocument(d, {
    title: m.logoutTitle,
    main: html`<h1>${m.logoutTitle}</h1>
${askedBy}
<p>${m.logoutBody}</p>
${postForm(d.action, d.csrf, button(m.logoutSubmit, 'primary', ['logout', 'yes']), d.csrfField ? { csrfField: d.csrfField } : {})}`,
  });
}
