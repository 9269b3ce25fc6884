/**
 * The invitation token of a guest's link (`/app/join#<token>`). The token rides in the fragment,
 * which browsers never send to a server; it is taken out of the address bar as the app starts
 * (`history.replaceState`), so that it is not left in the history, a bookmark or a screenshot, and
 * kept in memory only. It works once: after a reload, the tab's saved resume token rejoins the
 * visit instead (guest-resume.ts).
 */

let captured: string | null = null;

/** The guest page's path under the app. */
export const GUEST_JOIN_PATH = '/app/join';

/** Takes the token from the address (on the guest page only) and removes it; idempotent. */
export function captureInviteToken(
  loc: Pick<Location, 'pathname' | 'search' | 'hash'> = location,
  hist: Pick<History, 'replaceState' | 'state'> = history,
): void {
  if (loc.pathname.replace(/\/+$/, '') !== GUEST_JOIN_PATH) return;
  const token = loc.hash.replace(/^#/, '');
  if (!token) return;
  captured = token;
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
}

/** The captured token, if the page was opened from a link with one. */
export function inviteToken(): string | null {
  return captured;
}
