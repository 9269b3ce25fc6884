import type { Language } from './patient.js';
import type { NoticeKind } from './types.js';

/**
 * The words of every notice, in English and Spanish. A message holds the patient's first name, the
 * date and time in their zone and language, one generic line for its kind and a portal link —
 * nothing else: no clinician, visit type or service line (which can itself reveal a condition), no
 * family name, nothing clinical. Everything else is behind the sign-in the link leads to.
 */
export interface MessageInput {
  kind: NoticeKind;
  language: Language;
  timeZone: string;
  firstName: string;
  startsAt: Date;
  /** Waitlist offers: until when the time is held. */
  expiresAt?: Date;
  link: string;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Where a notice links to in the patient portal (only ids, which the portal checks access to). */
export function portalLink(
  baseUrl: string,
  to: { appointmentId?: string | null; offerId?: string | null },
): string {
  const base = `${baseUrl.replace(/\/+$/, '')}/app/appointments`;
  if (to.offerId) return `${base}/offers/${encodeURIComponent(to.offerId)}`;
  if (to.appointmentId) return `${base}/${encodeURIComponent(to.appointmentId)}`;
  return base;
}

interface Words {
  locale: string;
  greet(name: string): string;
  subject: Record<NoticeKind, string>;
  line: Record<NoticeKind, (when: string, expires: string) => string>;
  details: string;
  offerDetails: string;
  footer: string;
  smsPrefix: string;
  calendarSummary: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    locale: 'en-US',
    greet: (name) => (name ? `Hi ${name},` : 'Hello,'),
    subject: {
      confirmation: 'Your appointment is confirmed',
      reminder: 'Appointment reminder',
      changed: 'Your appointment has changed',
      cancelled: 'Your appointment has been cancelled',
      'waitlist-offer': 'An appointment time is available',
    },
    line: {
      confirmation: (when) => `your appointment is confirmed for ${when}.`,
      reminder: (when) => `this is a reminder of your appointment on ${when}.`,
      changed: (when) => `your appointment has been moved to ${when}.`,
      cancelled: (when) => `your appointment on ${when} has been cancelled.`,
      'waitlist-offer': (when, expires) =>
        `an appointment time has opened up on ${when}. It is held for you until ${expires}.`,
    },
    details: 'View the details in the patient portal:',
    offerDetails: 'Accept or decline it in the patient portal:',
    footer: 'This is an automated message from OpenVisit. Please do not reply.',
    smsPrefix: 'OpenVisit:',
    calendarSummary: 'OpenVisit appointment',
  },
  es: {
    locale: 'es',
    greet: (name) => (name ? `Hola ${name},` : 'Hola,'),
    subject: {
      confirmation: 'Su cita está confirmada',
      reminder: 'Recordatorio de su cita',
      changed: 'Su cita ha cambiado',
      cancelled: 'Su cita ha sido cancelada',
      'waitlist-offer': 'Hay una cita disponible',
    },
    line: {
      confirmation: (when) => `su cita está confirmada para el ${when}.`,
      reminder: (when) => `le recordamos su cita del ${when}.`,
      changed: (when) => `su cita se ha cambiado al ${when}.`,
      cancelled: (when) => `su cita del ${when} ha sido cancelada.`,
      'waitlist-offer': (when, expires) =>
        `se ha liberado una cita el ${when}. La reservamos para usted hasta el ${expires}.`,
    },
    details: 'Vea los detalles en el portal del paciente:',
    offerDetails: 'Acéptela o rechácela en el portal del paciente:',
    footer: 'Este es un mensaje automático de OpenVisit. Por favor, no responda.',
    smsPrefix: 'OpenVisit:',
    calendarSummary: 'Cita de OpenVisit',
  },
};

/**
 * The date and time in the patient's zone and language, with the zone named. ICU's no-break spaces
 * become plain ones: they would force an SMS into UCS-2 (70 characters a segment instead of 160).
 */
export function formatWhen(d: Date, language: Language, timeZone: string): string {
  const text = new Intl.DateTimeFormat(WORDS[language].locale, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(d);
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/** A first name fit for one line: no control characters, bounded length. */
function cleanName(name: string, max: number): string {
  const flat = name
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...flat].slice(0, max).join('');
}

function sentence(m: MessageInput, name: string): { greeting: string; line: string; details: string } {
  const w = WORDS[m.language];
  const when = formatWhen(m.startsAt, m.language, m.timeZone);
  const expires = m.expiresAt ? formatWhen(m.expiresAt, m.language, m.timeZone) : '';
  return {
    greeting: w.greet(name),
    line: w.line[m.kind](when, expires),
    details: m.kind === 'waitlist-offer' ? w.offerDetails : w.details,
  };
}

export function emailContent(m: MessageInput): EmailContent {
  const w = WORDS[m.language];
  const s = sentence(m, cleanName(m.firstName, 60));
  const text = `${s.greeting}\n\n${capitalize(s.line)}\n\n${s.details}\n${m.link}\n\n${w.footer}\n`;
  const html =
    `<!doctype html><html lang="${m.language}"><body>` +
    `<p>${escapeHtml(s.greeting)}</p>` +
    `<p>${escapeHtml(capitalize(s.line))}</p>` +
    `<p>${escapeHtml(s.details)} <a href="${escapeHtml(m.link)}">${escapeHtml(m.link)}</a></p>` +
    `<p style="color:#555555;font-size:small">${escapeHtml(w.footer)}</p>` +
    `</body></html>`;
  return { subject: w.subject[m.kind], text, html };
}

/** The longest SMS text: two concatenated segments' worth, as the product issue allows. */
export const SMS_MAX = 320;

/** One short text: "OpenVisit: Hi Ana, your appointment … <link>". */
export function smsText(m: MessageInput): string {
  const w = WORDS[m.language];
  for (const max of [40, 12, 0]) {
    const s = sentence(m, cleanName(m.firstName, max));
    const body = `${w.smsPrefix} ${s.greeting} ${s.line} ${m.link}`;
    if (body.length <= SMS_MAX) return body;
  }
  // Only a link of hundreds of characters gets here: the link alone still takes the patient there.
  return `${w.smsPrefix} ${m.link}`.slice(0, SMS_MAX);
}

/** The calendar event's title and description: generic, in the patient's language. */
export function calendarText(language: Language, link: string): { summary: string; description: string } {
  const w = WORDS[language];
  return { summary: w.calendarSummary, description: `${w.details} ${link}` };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
