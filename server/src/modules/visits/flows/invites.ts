import crypto from 'node:crypto';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import type { ParticipantRole } from '../encounter/index.js';
import type { VisitServices } from '../services.js';
import { recordVisitEvent } from '../store/record.js';
import { lockVisit, type VisitRow } from '../store/visit-row.js';
import { participantKind, visitNotFound, type VisitCaller } from './participant.js';

export type InviteRole = 'caregiver' | 'interpreter' | 'secondary-clinician';
export const INVITE_ROLES: readonly InviteRole[] = ['caregiver', 'interpreter', 'secondary-clinician'];

/** How long an invitation link works (once). */
export const INVITE_TTL_MS = 30 * 60_000;
/** People in one visit at most (the SFU room's cap). */
export const MAX_PARTICIPANTS = 6;

const ENCOUNTER_ROLE: Record<InviteRole, Exclude<ParticipantRole, 'primary-clinician'>> = {
  caregiver: 'caregiver',
  interpreter: 'interpreter',
  'secondary-clinician': 'secondary-clinician',
};

export function tokenHash(token: string): Buffer {
  return crypto.createHash('sha256').update(token).digest();
}

function conflict(diagnostics: string): FhirError {
  return new FhirError(409, { severity: 'error', code: 'business-rule', diagnostics });
}

/**
 * A one-time link for a caregiver, an interpreter or a second clinician, made by the visit's
 * patient or clinician. The token is 256 random bits, shown once; only its hash is kept.
 */
export async function createInvite(
  s: VisitServices,
  c: VisitCaller,
  visitId: string,
  role: InviteRole,
): Promise<{ token: string; inviteId: string; expiresAt: number }> {
  if (!s.media)
    throw new FhirError(501, {
      severity: 'error',
      code: 'not-supported',
      diagnostics: 'Visits with more than two people need a media server, and none is configured',
    });
  const token = crypto.randomBytes(32).toString('base64url');
  const inviteId = crypto.randomUUID();
  const expiresAt = s.now() + INVITE_TTL_MS;
  await s.db.transaction(c.tenantId, async (q) => {
    const v = await lockVisit(q, c.tenantId, visitId);
    if (!v) throw visitNotFound();
    await participantKind(q, c, v);
    if (v.status !== 'arrived' && v.status !== 'in-progress') throw conflict(`The visit is ${v.status}`);
    const open = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM visit_invite WHERE tenant_id = $1 AND visit_id = $2
         AND (used_at IS NOT NULL OR expires_at > $3)`,
      [c.tenantId, visitId, new Date(s.now())],
    );
    if ((open.rows[0]?.n ?? 0) + 2 >= MAX_PARTICIPANTS)
      throw conflict('This visit has as many people as it can take');
    await q.query(
      `INSERT INTO visit_invite (tenant_id, id, visit_id, token_hash, role, invited_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.tenantId, inviteId, visitId, tokenHash(token), role, c.account, new Date(expiresAt)],
    );
  });
  return { token, inviteId, expiresAt };
}

export interface RedeemedInvite {
  tenantId: number;
  visit: VisitRow;
  inviteId: string;
  participantId: string;
  role: InviteRole;
}

/**
 * Uses an invitation: once, before it expires, while the visit is going on. The guest joins the
 * Encounter (by type and period) and the visit moves to the media server. Anything wrong is one
 * answer, "not valid", so a token's state is not told to whoever holds a guess.
 */
export async function redeemInvite(s: VisitServices, token: string): Promise<RedeemedInvite> {
  const invalid = () =>
    new FhirError(404, {
      severity: 'error',
      code: 'not-found',
      diagnostics: 'This invitation is not valid: it was used, it expired, or the visit is over',
    });
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw invalid();
  const now = s.now();
  const hash = tokenHash(token);
  // The link names no tenant: find it across tenants by the token's hash alone, then claim it in
  // the tenant's transaction, together with the guest's joining, so both happen or neither does.
  const found = await s.db.relayTransaction((q) =>
    q.query<{ tenant_id: number }>(`SELECT tenant_id FROM visit_invite WHERE token_hash = $1`, [hash]),
  );
  const tenantId = found.rows[0]?.tenant_id;
  if (tenantId === undefined) throw invalid();
  const result = await s.db.transaction(tenantId, async (q) => {
    const claimed = await q.query<{ id: string; visit_id: string; role: InviteRole }>(
      `UPDATE visit_invite SET used_at = $3 WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL
         AND expires_at > $3 RETURNING id, visit_id, role`,
      [tenantId, hash, new Date(now)],
    );
    const invite = claimed.rows[0];
    if (!invite) throw invalid();
    const participantId = `guest-${invite.id.slice(0, 8)}`;
    const v = await lockVisit(q, tenantId, invite.visit_id);
    if (!v || (v.status !== 'arrived' && v.status !== 'in-progress')) throw invalid();
    await q.query(`UPDATE visit_invite SET participant_id = $3 WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      invite.id,
      participantId,
    ]);
    const visit = await recordVisitEvent(
      s,
      q,
      tenantId,
      v,
      { type: 'join', role: ENCOUNTER_ROLE[invite.role], reference: `Guest/${invite.id}` },
      { mediaMode: 'sfu' },
    );
    return { visit, invite, participantId };
  });
  return {
    tenantId,
    visit: result.visit,
    inviteId: result.invite.id,
    participantId: result.participantId,
    role: result.invite.role,
  };
}
