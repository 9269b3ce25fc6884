import type { RedeemedInvitation } from '../api/visits.js';

/**
 * A guest's way back into the visit after a reload. The invitation works once, so a guest who
 * reloaded the page (or whose browser restored the tab) was locked out until the clinician sent a
 * new link. The latest `resume` token of the visit socket is kept in this tab's session storage
 * (gone when the tab closes, never shared with other tabs) with what the page needs to rejoin; it
 * is forgotten when the guest leaves, the visit ends or the token is refused. The server bounds the
 * token's life (6 hours) and it opens only this guest's place in this visit.
 */

const KEY = 'openvisit.guest.resume';
/** The server's resume token lifetime: an older one is certain to be refused. */
const MAX_AGE_MS = 6 * 3_600_000;

interface Saved {
  invitation: RedeemedInvitation;
  savedAt: number;
}

function isInvitation(v: unknown): v is RedeemedInvitation {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return ['ticket', 'socketPath', 'visitId', 'participantId', 'role', 'status'].every(
    (k) => typeof r[k] === 'string',
  );
}

/** Keeps the invitation as redeemed, with the latest resume token in place of the spent ticket. */
export function rememberGuest(
  invitation: RedeemedInvitation,
  resume: string,
  storage: Storage = sessionStorage,
  now = Date.now(),
): void {
  const saved: Saved = { invitation: { ...invitation, ticket: resume }, savedAt: now };
  try {
    storage.setItem(KEY, JSON.stringify(saved));
  } catch {
    // Storage full or disabled: a reload asks for the link again, as before.
  }
}

/** The guest's saved place, if this tab has a fresh one. */
export function savedGuest(storage: Storage = sessionStorage, now = Date.now()): RedeemedInvitation | null {
  let saved: unknown;
  try {
    saved = JSON.parse(storage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
  if (typeof saved !== 'object' || saved === null) return null;
  const { invitation, savedAt } = saved as Partial<Saved>;
  if (!isInvitation(invitation) || typeof savedAt !== 'number' || now - savedAt >= MAX_AGE_MS) {
    forgetGuest(storage);
    return null;
  }
  return invitation;
}

export function forgetGuest(storage: Storage = sessionStorage): void {
  try {
    storage.removeItem(KEY);
  } catch {
    // Nothing to forget.
  }
}
