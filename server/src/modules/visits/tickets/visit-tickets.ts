import crypto from 'node:crypto';

/**
 * Signed, short-lived tickets for the visit WebSocket. A browser cannot put an access token in a
 * WebSocket's headers, and a URL is logged, so the socket's first message carries a ticket that an
 * authenticated request (`POST /api/visits/{id}/join`, where participation is checked and audited)
 * gave out. A ticket names the visit and the participant, never a person. Every node holding the
 * same keyring verifies it, so a client resumes on another node without a database read.
 *
 * - `join`: good for 60 s, to open the socket.
 * - `resume`: given on the socket; opens a new socket for the same participant of the same visit
 *   without admission again, until the visit could no longer be going on.
 * - `queue`: a clinician's live view of their waiting room.
 */
export type TicketKind = 'join' | 'resume' | 'queue';

/** Who holds a socket, and in what visit or waiting room. */
export interface TicketClaims {
  kind: TicketKind;
  tenantId: number;
  /** The visit (join, resume), or the queue channel (queue). */
  visitId: string;
  /** Opaque: `patient`, `clinician`, `guest-<n>`… */
  participantId: string;
  role: ParticipantKind;
  /** The account (token `sub`), for the audit records of what the socket does. */
  account: string;
  /** Expiry, epoch ms. */
  exp: number;
}

export type ParticipantKind = 'patient' | 'clinician' | 'guest';

export const TICKET_TTL_MS: Readonly<Record<TicketKind, number>> = {
  join: 60_000,
  resume: 6 * 3_600_000,
  queue: 60_000,
};

export class TicketError extends Error {
  override readonly name = 'TicketError';
  constructor(readonly problem: 'malformed' | 'bad-signature' | 'expired' | 'wrong-kind') {
    super(`The ticket is ${problem}`);
  }
}

const KINDS = new Set<TicketKind>(['join', 'resume', 'queue']);
const ROLES = new Set<ParticipantKind>(['patient', 'clinician', 'guest']);

/** Signs and verifies tickets with HMAC-SHA-256 under a key derived from the deployment's keyring. */
export class VisitTickets {
  private readonly key: Buffer;

  /** `secret`: key material shared by every node (derived from the keyring's first key). */
  constructor(secret: Buffer) {
    if (secret.length < 16) throw new Error('The ticket key must be at least 16 bytes');
    this.key = Buffer.from(
      crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'openvisit visit tickets v1', 32),
    );
  }

  issue(claims: Omit<TicketClaims, 'exp'>, now: number, ttlMs = TICKET_TTL_MS[claims.kind]): string {
    const body = Buffer.from(JSON.stringify({ ...claims, exp: now + ttlMs })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(ticket: unknown, kinds: readonly TicketKind[], now: number): TicketClaims {
    if (typeof ticket !== 'string' || ticket.length > 2048) throw new TicketError('malformed');
    const dot = ticket.indexOf('.');
    if (dot < 1) throw new TicketError('malformed');
    const body = ticket.slice(0, dot);
    const given = Buffer.from(ticket.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
      throw new TicketError('bad-signature');
    let claims: TicketClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TicketClaims;
    } catch {
      throw new TicketError('malformed');
    }
    if (
      !KINDS.has(claims.kind) ||
      !ROLES.has(claims.role) ||
      typeof claims.tenantId !== 'number' ||
      typeof claims.visitId !== 'string' ||
      typeof claims.participantId !== 'string' ||
      typeof claims.exp !== 'number'
    )
      throw new TicketError('malformed');
    if (!kinds.includes(claims.kind)) throw new TicketError('wrong-kind');
    if (claims.exp <= now) throw new TicketError('expired');
    return claims;
  }

  private mac(body: string): string {
    return crypto.createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
