/** The server-rendered pages of the sign-in flow; see README.md. */

export { SafeHtml, escapeHtml, html, join, raw, safeUrl, type HtmlValue } from './html.js';
export { PRODUCT_NAME, type FormPageContext, type PageAssets, type PageContext } from './layout.js';
export {
  LOCALES,
  LOCALE_NAMES,
  format,
  isLocale,
  messages,
  pickLocale,
  type Locale,
  type Messages,
} from './messages.js';
export {
  consentPage,
  errorPage,
  formatBirthDate,
  groupSecret,
  loggedOutPage,
  loginPage,
  logoutConfirmPage,
  mfaEnrollPage,
  mfaVerifyPage,
  patientPickerPage,
  type ConsentPageData,
  type ErrorPageData,
  type ErrorPageKind,
  type LoginError,
  type LoginPageData,
  type LogoutConfirmPageData,
  type MfaEnrollPageData,
  type MfaVerifyPageData,
  type PatientPickerError,
  type PatientPickerPageData,
  type PatientResult,
} from './pages.js';
export {
  describeScope,
  type ConsentScope,
  type ConsentScopeDescription,
  type ScopeInteraction,
} from './scopes.js';
export { STYLESHEET, contrastPairs, palette, type ContrastPair, type PaletteColour } from './styles.js';
export { qrSvg } from './qr.js';
