/**
 * Every text the sign-in pages show, in English and Spanish. `Messages` is one interface, so a
 * locale that misses a key does not compile. Values are plain text (never markup); `{name}` marks
 * a placeholder filled by `format`, and the pages escape the result.
 */

export type Locale = 'en' | 'es';

export const LOCALES: readonly Locale[] = ['en', 'es'];

/** Each language named in itself, for the language switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

export interface Messages {
  // Shared
  languageNav: string;
  /** The document title when the page shows an error. {title} */
  errorTitle: string;
  codeLabel: string;
  retryInMinutesOne: string;
  /** {minutes} */
  retryInMinutesOther: string;
  retryLater: string;

  // Sign-in
  /** {tenantName} */
  loginTitle: string;
  /** {clientName} */
  loginIntro: string;
  loginUsername: string;
  loginPassword: string;
  loginSubmit: string;
  loginErrorInvalid: string;
  loginErrorRequired: string;
  loginErrorLocked: string;
  /** {tenantName} */
  loginErrorDisabled: string;
  loginErrorFederation: string;
  loginFederationHeading: string;
  loginFederationLink: string;

  // Authenticator enrolment
  mfaEnrollTitle: string;
  mfaEnrollIntro: string;
  mfaEnrollScan: string;
  mfaEnrollQrAlt: string;
  mfaEnrollManual: string;
  mfaEnrollManualOnly: string;
  mfaEnrollSecretLabel: string;
  mfaEnrollSecretHint: string;
  mfaEnrollOpenApp: string;
  mfaEnrollConfirmHeading: string;
  mfaEnrollCodeHint: string;
  mfaEnrollSubmit: string;
  mfaErrorInvalidCode: string;

  // Authenticator code
  mfaVerifyTitle: string;
  mfaVerifyHint: string;
  mfaVerifySubmit: string;
  mfaErrorLocked: string;

  // Consent
  /** {clientName} */
  consentTitle: string;
  /** {clientName} */
  consentIntro: string;
  /** {patientName} */
  consentPatient: string;
  /** {clientName} */
  consentTrust: string;
  consentAllow: string;
  consentDeny: string;
  verbRead: string;
  verbSearch: string;
  verbCreate: string;
  verbUpdate: string;
  verbDelete: string;
  /** Used when a scope names no interaction. */
  verbAccess: string;
  /** {actions} {resource} */
  scopeResourcePatientSelf: string;
  /** {actions} {resource} {patientName} */
  scopeResourcePatientNamed: string;
  /** {actions} {resource} */
  scopeResourceUser: string;
  /** {actions} {resource} */
  scopeResourceSystem: string;
  /** {actions} */
  scopeAllPatientSelf: string;
  /** {actions} {patientName} */
  scopeAllPatientNamed: string;
  /** {actions} */
  scopeAllUser: string;
  /** {actions} */
  scopeAllSystem: string;
  scopeOpenid: string;
  scopeFhirUser: string;
  scopeOfflineAccess: string;
  scopeOnlineAccess: string;
  scopeLaunch: string;
  scopeLaunchPatient: string;
  scopeLaunchEncounter: string;
  /** {scope} */
  scopeOther: string;

  // Patient picker
  pickerTitle: string;
  pickerIntro: string;
  pickerSearchLabel: string;
  pickerSearchSubmit: string;
  /** {query} */
  pickerResultsLegend: string;
  pickerResultsLegendNoQuery: string;
  pickerCountOne: string;
  /** {count} */
  pickerCountOther: string;
  /** {query} */
  pickerNoResults: string;
  /** {date} */
  pickerBorn: string;
  pickerSubmit: string;
  pickerErrorNoSelection: string;
  pickerErrorQueryRequired: string;

  // Errors
  errorGenericTitle: string;
  errorGenericBody: string;
  errorExpiredTitle: string;
  errorExpiredBody: string;
  errorNotFoundTitle: string;
  errorNotFoundBody: string;
  errorRequestId: string;

  // Sign-out
  loggedOutTitle: string;
  loggedOutBody: string;
  logoutTitle: string;
  /** {clientName} */
  logoutAskedBy: string;
  logoutBody: string;
  logoutSubmit: string;
}

const en: Messages = {
  languageNav: 'Language',
  errorTitle: 'Error: {title}',
  codeLabel: '6-digit code',
  retryInMinutesOne: 'Try again in 1 minute.',
  retryInMinutesOther: 'Try again in {minutes} minutes.',
  retryLater: 'Try again later.',

  loginTitle: 'Sign in to {tenantName}',
  loginIntro: '{clientName} is asking you to sign in.',
  loginUsername: 'Username',
  loginPassword: 'Password',
  loginSubmit: 'Sign in',
  loginErrorInvalid: 'The username or password is incorrect. Check them and try again.',
  loginErrorRequired: 'Enter your username and your password.',
  loginErrorLocked:
    'There have been too many attempts to sign in, so signing in is paused for your security.',
  loginErrorDisabled: 'You can’t sign in with this account. Contact {tenantName} for help.',
  loginErrorFederation:
    'Signing in with {providerName} did not work, or that account has no access here. Try again, or contact your administrator.',
  loginFederationHeading: 'Staff',
  loginFederationLink: 'Sign in with {providerName}',

  mfaEnrollTitle: 'Set up two-step verification',
  mfaEnrollIntro:
    'Staff accounts need a second step to sign in: a code from an authenticator app on your phone. You set this up once.',
  mfaEnrollScan: 'Scan this QR code with your authenticator app.',
  mfaEnrollQrAlt: 'QR code for adding OpenVisit to your authenticator app',
  mfaEnrollManual: 'Can’t scan the code? Type this setup key into the app instead:',
  mfaEnrollManualOnly: 'Type this setup key into your authenticator app:',
  mfaEnrollSecretLabel: 'Setup key',
  mfaEnrollSecretHint: 'Spaces don’t matter.',
  mfaEnrollOpenApp: 'Open in an authenticator app on this device',
  mfaEnrollConfirmHeading: 'Confirm that it works',
  mfaEnrollCodeHint: 'Enter the 6-digit code that your authenticator app shows now.',
  mfaEnrollSubmit: 'Confirm and continue',
  mfaErrorInvalidCode:
    'That code didn’t work. Check that you are using the OpenVisit entry in your authenticator app and enter its newest code.',

  mfaVerifyTitle: 'Enter your verification code',
  mfaVerifyHint: 'Open your authenticator app and enter the 6-digit code it shows for OpenVisit.',
  mfaVerifySubmit: 'Verify',
  mfaErrorLocked: 'Too many incorrect codes were entered, so verification is paused for your security.',

  consentTitle: 'Allow {clientName} to use your information?',
  consentIntro: 'If you allow it, {clientName} will be able to:',
  consentPatient: 'Patient: {patientName}',
  consentTrust: 'Only allow this if you trust {clientName}.',
  consentAllow: 'Allow',
  consentDeny: 'Don’t allow',
  verbRead: 'read',
  verbSearch: 'search',
  verbCreate: 'create',
  verbUpdate: 'update',
  verbDelete: 'delete',
  verbAccess: 'access',
  scopeResourcePatientSelf: '{actions} your {resource} records',
  scopeResourcePatientNamed: '{actions} {patientName}’s {resource} records',
  scopeResourceUser: '{actions} the {resource} records you have access to',
  scopeResourceSystem: '{actions} all {resource} records in the system',
  scopeAllPatientSelf: '{actions} all your health records',
  scopeAllPatientNamed: '{actions} all of {patientName}’s health records',
  scopeAllUser: '{actions} all the health records you have access to',
  scopeAllSystem: '{actions} all health records in the system',
  scopeOpenid: 'Confirm who you are',
  scopeFhirUser: 'See your profile: your name and whether you are a patient or a member of staff',
  scopeOfflineAccess: 'Stay signed in after you close the app',
  scopeOnlineAccess: 'Stay signed in while you are using the app',
  scopeLaunch: 'Know what you are working on when it opens, such as the selected patient',
  scopeLaunchPatient: 'Know which patient is selected',
  scopeLaunchEncounter: 'Know which visit is selected',
  scopeOther: 'Other permission: {scope}',

  pickerTitle: 'Choose a patient',
  pickerIntro:
    'The app you are opening works with one patient’s record. Search by name, then choose the patient.',
  pickerSearchLabel: 'Patient name',
  pickerSearchSubmit: 'Search',
  pickerResultsLegend: 'Patients matching “{query}”',
  pickerResultsLegendNoQuery: 'Patients',
  pickerCountOne: '1 patient found',
  pickerCountOther: '{count} patients found',
  pickerNoResults: 'No patients match “{query}”. Check the spelling or try another part of the name.',
  pickerBorn: 'Born {date}',
  pickerSubmit: 'Continue with this patient',
  pickerErrorNoSelection: 'Choose a patient to continue.',
  pickerErrorQueryRequired: 'Enter at least part of the patient’s name.',

  errorGenericTitle: 'Something went wrong',
  errorGenericBody:
    'We couldn’t finish signing you in. Go back to the app and try again. If it keeps happening, contact support.',
  errorExpiredTitle: 'This sign-in link has expired',
  errorExpiredBody:
    'For your security, sign-in links only work for a short time. Go back to the app and start again.',
  errorNotFoundTitle: 'Page not found',
  errorNotFoundBody: 'This link is incomplete or no longer works. Go back to the app and start again.',
  errorRequestId: 'If you contact support, give them this reference:',

  loggedOutTitle: 'You have signed out',
  loggedOutBody: 'You can close this window now.',
  logoutTitle: 'Sign out of OpenVisit everywhere?',
  logoutAskedBy: '{clientName} asked to sign you out.',
  logoutBody:
    'This signs you out of OpenVisit and of every app you signed in to with OpenVisit in this browser.',
  logoutSubmit: 'Sign out',
};

const es: Messages = {
  languageNav: 'Idioma',
  errorTitle: 'Error: {title}',
  codeLabel: 'Código de 6 dígitos',
  retryInMinutesOne: 'Vuelva a intentarlo dentro de 1 minuto.',
  retryInMinutesOther: 'Vuelva a intentarlo dentro de {minutes} minutos.',
  retryLater: 'Vuelva a intentarlo más tarde.',

  loginTitle: 'Iniciar sesión en {tenantName}',
  loginIntro: '{clientName} le pide que inicie sesión.',
  loginUsername: 'Nombre de usuario',
  loginPassword: 'Contraseña',
  loginSubmit: 'Iniciar sesión',
  loginErrorInvalid: 'El nombre de usuario o la contraseña no son correctos. Revíselos e inténtelo de nuevo.',
  loginErrorRequired: 'Escriba su nombre de usuario y su contraseña.',
  loginErrorLocked:
    'Se han producido demasiados intentos de inicio de sesión. Por su seguridad, el acceso está en pausa.',
  loginErrorDisabled:
    'No puede iniciar sesión con esta cuenta. Póngase en contacto con {tenantName} para obtener ayuda.',
  loginErrorFederation:
    'No se pudo iniciar sesión con {providerName}, o esa cuenta no tiene acceso aquí. Vuelva a intentarlo o póngase en contacto con su administrador.',
  loginFederationHeading: 'Personal',
  loginFederationLink: 'Iniciar sesión con {providerName}',

  mfaEnrollTitle: 'Configurar la verificación en dos pasos',
  mfaEnrollIntro:
    'Las cuentas del personal necesitan un segundo paso para iniciar sesión: un código de una aplicación de autenticación en su teléfono. Solo tiene que configurarlo una vez.',
  mfaEnrollScan: 'Escanee este código QR con su aplicación de autenticación.',
  mfaEnrollQrAlt: 'Código QR para añadir OpenVisit a su aplicación de autenticación',
  mfaEnrollManual: '¿No puede escanear el código? Escriba esta clave de configuración en la aplicación:',
  mfaEnrollManualOnly: 'Escriba esta clave de configuración en su aplicación de autenticación:',
  mfaEnrollSecretLabel: 'Clave de configuración',
  mfaEnrollSecretHint: 'Los espacios no importan.',
  mfaEnrollOpenApp: 'Abrir en una aplicación de autenticación de este dispositivo',
  mfaEnrollConfirmHeading: 'Compruebe que funciona',
  mfaEnrollCodeHint: 'Escriba el código de 6 dígitos que muestra ahora su aplicación de autenticación.',
  mfaEnrollSubmit: 'Confirmar y continuar',
  mfaErrorInvalidCode:
    'Ese código no es válido. Compruebe que usa la entrada de OpenVisit en su aplicación de autenticación y escriba el código más reciente.',

  mfaVerifyTitle: 'Escriba su código de verificación',
  mfaVerifyHint:
    'Abra su aplicación de autenticación y escriba el código de 6 dígitos que muestra para OpenVisit.',
  mfaVerifySubmit: 'Verificar',
  mfaErrorLocked:
    'Se han introducido demasiados códigos incorrectos. Por su seguridad, la verificación está en pausa.',

  consentTitle: '¿Permitir que {clientName} use su información?',
  consentIntro: 'Si lo permite, {clientName} podrá:',
  consentPatient: 'Paciente: {patientName}',
  consentTrust: 'Permítalo solo si confía en {clientName}.',
  consentAllow: 'Permitir',
  consentDeny: 'No permitir',
  verbRead: 'leer',
  verbSearch: 'buscar',
  verbCreate: 'crear',
  verbUpdate: 'modificar',
  verbDelete: 'eliminar',
  verbAccess: 'acceder a',
  scopeResourcePatientSelf: '{actions} sus registros de {resource}',
  scopeResourcePatientNamed: '{actions} los registros de {resource} de {patientName}',
  scopeResourceUser: '{actions} los registros de {resource} a los que usted tiene acceso',
  scopeResourceSystem: '{actions} todos los registros de {resource} del sistema',
  scopeAllPatientSelf: '{actions} todos sus registros de salud',
  scopeAllPatientNamed: '{actions} todos los registros de salud de {patientName}',
  scopeAllUser: '{actions} todos los registros de salud a los que usted tiene acceso',
  scopeAllSystem: '{actions} todos los registros de salud del sistema',
  scopeOpenid: 'Confirmar su identidad',
  scopeFhirUser: 'Ver su perfil: su nombre y si usted es paciente o forma parte del personal',
  scopeOfflineAccess: 'Mantener su sesión iniciada después de que cierre la aplicación',
  scopeOnlineAccess: 'Mantener su sesión iniciada mientras usa la aplicación',
  scopeLaunch: 'Saber en qué está trabajando al abrirse, por ejemplo, qué paciente tiene seleccionado',
  scopeLaunchPatient: 'Saber qué paciente está seleccionado',
  scopeLaunchEncounter: 'Saber qué consulta está seleccionada',
  scopeOther: 'Otro permiso: {scope}',

  pickerTitle: 'Elegir un paciente',
  pickerIntro:
    'La aplicación que está abriendo trabaja con el historial de un solo paciente. Busque por nombre y elija al paciente.',
  pickerSearchLabel: 'Nombre del paciente',
  pickerSearchSubmit: 'Buscar',
  pickerResultsLegend: 'Pacientes que coinciden con «{query}»',
  pickerResultsLegendNoQuery: 'Pacientes',
  pickerCountOne: 'Se encontró 1 paciente',
  pickerCountOther: 'Se encontraron {count} pacientes',
  pickerNoResults:
    'Ningún paciente coincide con «{query}». Revise la ortografía o pruebe con otra parte del nombre.',
  pickerBorn: 'Fecha de nacimiento: {date}',
  pickerSubmit: 'Continuar con este paciente',
  pickerErrorNoSelection: 'Elija un paciente para continuar.',
  pickerErrorQueryRequired: 'Escriba al menos una parte del nombre del paciente.',

  errorGenericTitle: 'Algo salió mal',
  errorGenericBody:
    'No hemos podido completar el inicio de sesión. Vuelva a la aplicación e inténtelo de nuevo. Si el problema continúa, póngase en contacto con el soporte técnico.',
  errorExpiredTitle: 'Este enlace de inicio de sesión ha caducado',
  errorExpiredBody:
    'Por su seguridad, los enlaces de inicio de sesión solo funcionan durante poco tiempo. Vuelva a la aplicación y empiece de nuevo.',
  errorNotFoundTitle: 'No se encontró la página',
  errorNotFoundBody:
    'Este enlace está incompleto o ya no funciona. Vuelva a la aplicación y empiece de nuevo.',
  errorRequestId: 'Si se pone en contacto con el soporte técnico, indique esta referencia:',

  loggedOutTitle: 'Ha cerrado la sesión',
  loggedOutBody: 'Ya puede cerrar esta ventana.',
  logoutTitle: '¿Cerrar la sesión de OpenVisit en todas partes?',
  logoutAskedBy: '{clientName} ha pedido cerrar su sesión.',
  logoutBody:
    'Se cerrará su sesión en OpenVisit y en todas las aplicaciones en las que entró con OpenVisit en este navegador.',
  logoutSubmit: 'Cerrar sesión',
};

export const messages: Record<Locale, Messages> = { en, es };

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'es';
}

/** The supported locale for a language tag ("es-MX" → es), or undefined. */
function localeOfTag(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : undefined;
}

/** Caps on what is parsed, so a huge header costs nothing. */
const MAX_HEADER = 4096;
const MAX_RANGES = 32;

/**
 * The page language. An explicit choice (`ui_locales`, a space-separated list of tags, or a `lang`
 * query value) wins with its first supported tag; then the Accept-Language header, by q-value
 * (ties keep header order, `q=0` means "not this one"); then English.
 */
export function pickLocale(acceptLanguage: string | undefined, explicit?: string): Locale {
  if (explicit !== undefined) {
    for (const tag of explicit
      .slice(0, MAX_HEADER)
      .split(/[\s,]+/)
      .slice(0, MAX_RANGES)) {
      const locale = localeOfTag(tag);
      if (locale) return locale;
    }
  }
  if (acceptLanguage === undefined) return 'en';
  let best: { locale: Locale; q: number } | undefined;
  for (const range of acceptLanguage.slice(0, MAX_HEADER).split(',').slice(0, MAX_RANGES)) {
    const [tag = '', ...params] = range.split(';');
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name?.toLowerCase() !== 'q') continue;
      q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? '') ? Number(value) : Number.NaN;
    }
    if (!(q > 0)) continue;
    const locale = localeOfTag(tag);
    if (locale && (best === undefined || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? 'en';
}

/** Fills `{name}` placeholders. An unknown placeholder is left as it is. */
export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
