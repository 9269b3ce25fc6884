/**
 * An iCalendar object (RFC 5545) for one appointment, as an e-mail attachment: the patient's
 * calendar adds, moves (same UID, higher SEQUENCE) or removes (METHOD:CANCEL) the event. Written
 * here rather than with a library: it is twenty lines and the only escaping rules are below.
 */
export interface CalendarEvent {
  /** Stable per appointment, so a change or cancellation updates the event already imported. */
  uid: string;
  /** Increases with every change of the booking (its version). */
  sequence: number;
  start: Date;
  end: Date;
  /** When this object was made. */
  stamp: Date;
  /** Generic text only ("OpenVisit appointment"): never the visit type, clinician or service. */
  summary: string;
  description: string;
  /** The portal link. */
  url: string;
  method: 'REQUEST' | 'CANCEL';
  /** The sending address (iTIP requires an ORGANIZER on REQUEST and CANCEL). */
  organizer?: string;
}

export function icsCalendar(e: CalendarEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'PRODID:-//OpenVisit//Appointment notices//EN',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `METHOD:${e.method}`,
    'BEGIN:VEVENT',
    `UID:${text(e.uid)}`,
    `DTSTAMP:${utc(e.stamp)}`,
    `DTSTART:${utc(e.start)}`,
    `DTEND:${utc(e.end)}`,
    `SEQUENCE:${Math.max(0, Math.trunc(e.sequence))}`,
    `STATUS:${e.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    `SUMMARY:${text(e.summary)}`,
    `DESCRIPTION:${text(e.description)}`,
    `URL:${uri(e.url)}`,
    ...(e.organizer && /^[^\s@:;,"<>]+@[^\s@:;,"<>]+$/.test(e.organizer)
      ? [`ORGANIZER;CN=OpenVisit:mailto:${e.organizer}`]
      : []),
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** A UTC DATE-TIME: 20260314T150000Z. */
function utc(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** TEXT escaping (RFC 5545 3.3.11). */
function text(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** A URI value has no escaping; line breaks would end the property, so none may pass. */
function uri(v: string): string {
  return v.replace(/[\r\n]/g, '');
}

/** Folds a content line at 75 octets (3.1): continuation lines start with one space. */
export function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    // Never inside a UTF-8 sequence: a character that does not fit starts the next line.
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}
