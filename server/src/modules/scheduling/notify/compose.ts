import { icsCalendar } from './ics.js';
import type { PatientContact } from './patient.js';
import type { BookingNow, OfferNow } from './relevance.js';
import type { ClaimedNotice } from './store.js';
import { calendarText, emailContent, portalLink, smsText, type MessageInput } from './templates.js';

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

/** The words of a notice for its patient, from the booking (and offer) as they are now. */
export function messageInput(
  n: Pick<ClaimedNotice, 'kind' | 'offerId'>,
  booking: BookingNow,
  offer: OfferNow | undefined,
  contact: PatientContact,
  baseUrl: string,
): MessageInput {
  return {
    kind: n.kind,
    language: contact.language,
    timeZone: contact.timeZone,
    firstName: contact.firstName,
    startsAt: booking.startsAt,
    ...(offer ? { expiresAt: offer.expiresAt } : {}),
    link:
      n.kind === 'waitlist-offer'
        ? portalLink(baseUrl, { offerId: n.offerId })
        : portalLink(baseUrl, { appointmentId: booking.appointmentId }),
  };
}

/**
 * The e-mail of a notice. Appointment notices carry the appointment as `.ics`: its UID is the
 * Appointment's id (which a reschedule keeps), so calendars update the one event they imported;
 * SEQUENCE is the booking version the notice was made for (the current one for a reminder).
 */
export function composeEmail(
  n: Pick<ClaimedNotice, 'kind' | 'offerId' | 'bookingId' | 'version'>,
  booking: BookingNow,
  offer: OfferNow | undefined,
  contact: PatientContact,
  opts: { baseUrl: string; organizer: string; now: Date },
): ComposedEmail {
  const input = messageInput(n, booking, offer, contact, opts.baseUrl);
  const content = emailContent(input);
  if (n.kind === 'waitlist-offer') return content;
  const method = n.kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const words = calendarText(contact.language, input.link);
  const ics = icsCalendar({
    uid: `${booking.appointmentId ?? n.bookingId}@openvisit`,
    sequence: n.kind === 'reminder' ? booking.version : (n.version ?? booking.version),
    start: booking.startsAt,
    end: booking.endsAt,
    stamp: opts.now,
    summary: words.summary,
    description: words.description,
    url: input.link,
    method,
    organizer: opts.organizer,
  });
  return { ...content, calendar: { method, content: ics } };
}

export function composeSms(
  n: Pick<ClaimedNotice, 'kind' | 'offerId'>,
  booking: BookingNow,
  offer: OfferNow | undefined,
  contact: PatientContact,
  baseUrl: string,
): string {
  return smsText(messageInput(n, booking, offer, contact, baseUrl));
}
