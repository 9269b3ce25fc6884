/** An e-mail notice, ready to send. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The notice's send token: the Message-ID is made from it, the same on every resend. */
  idempotencyKey: string;
  /** The appointment as an `.ics` attachment (none for a waitlist offer). */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

export interface EmailSender {
  /** The bare sending address (also the calendar event's ORGANIZER). */
  readonly fromAddress: string;
  /** Resolves once the server accepted the message; rejects with a SendError. */
  send(msg: OutgoingEmail): Promise<{ messageId: string }>;
}
