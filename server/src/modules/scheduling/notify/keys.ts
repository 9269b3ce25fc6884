import crypto from 'node:crypto';
import type { Channel } from './types.js';

/**
 * Idempotency keys: the same logical notice always gets the same key, so enqueueing it again (a
 * retried transaction) inserts nothing, and every send of it carries the same Message-ID / token.
 */
export const noticeKeys = {
  /** A booking change notice: one per booking version and channel. */
  change: (bookingId: string, kind: string, version: number, channel: Channel) =>
    `${bookingId}:${kind}:v${version}:${channel}`,
  /** A reminder: one per offset and start time, so a moved booking gets fresh reminders. */
  reminder: (bookingId: string, offsetMin: number, startsAt: Date, channel: Channel) =>
    `${bookingId}:reminder:${offsetMin}:${startsAt.toISOString()}:${channel}`,
  offer: (offerId: string, channel: Channel) => `${offerId}:waitlist-offer:${channel}`,
};

/**
 * The opaque token a send carries (SMS idempotency header, Message-ID local part): a hash, so the
 * key's ids and times do not travel to the provider. Keys are unique per tenant, hence the tenant.
 */
export function sendToken(tenantId: number, key: string): string {
  return crypto.createHash('sha256').update(`${tenantId}\n${key}`).digest('hex').slice(0, 40);
}

/** The e-mail Message-ID of a notice: identical on every resend, so a duplicate is recognisable. */
export function messageIdFor(token: string, domain: string): string {
  return `<${token}@${domain}>`;
}
