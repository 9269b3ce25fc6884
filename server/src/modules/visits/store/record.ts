import { OPEN_ACCESS } from '../../../fhir/interactions/access.js';
import { createResourcesWithIds, updateResource } from '../../../fhir/interactions/write.js';
import type { Queryable } from '../../../platform/db/pool.js';
import { FhirError } from '../../../platform/http/operation-outcome.js';
import { uuidv7 } from '../../../platform/ids/uuid-v7.js';
import {
  encounterResource,
  visitTransition,
  VisitTransitionError,
  type VisitEvent,
} from '../encounter/index.js';
import type { VisitServices } from '../services.js';
import { insertVisit, saveVisit, type VisitRow } from './visit-row.js';

/** The events others consume (topic `visits`): ids, statuses and times, never PHI. */
export type VisitEventType = `visit.${'planned' | VisitEvent['type']}`;

async function emit(
  q: Queryable,
  tenantId: number,
  type: VisitEventType,
  v: VisitRow,
  at: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await q.prepared(
    'visit_emit',
    `INSERT INTO outbox (tenant_id, event_id, topic, type, payload) VALUES ($1, $2, 'visits', $3, $4)`,
    [
      tenantId,
      uuidv7(),
      type,
      JSON.stringify({
        visitId: v.id,
        encounterId: v.id,
        appointmentId: v.appointmentId,
        serviceLine: v.serviceLine,
        status: v.status,
        at: new Date(at).toISOString(),
        ...extra,
      }),
    ],
  );
}

/** A new visit, its Encounter (same id) and its event, in the caller's transaction. */
export async function recordNewVisit(
  s: VisitServices,
  q: Queryable,
  tenantId: number,
  v: VisitRow,
): Promise<void> {
  await insertVisit(q, tenantId, v);
  await createResourcesWithIds(
    s.fhir,
    { tenantId, access: OPEN_ACCESS, q },
    'Encounter',
    [encounterResource(v.state)],
    [v.id],
  );
  await emit(q, tenantId, 'visit.planned', v, v.state.lastEventAt);
}

/**
 * Applies a lifecycle event to a locked visit: the row, its Encounter and the outbox event change
 * together or not at all. The time is the server's (a client's clock never stamps the record); a
 * step the status does not allow is a 409.
 */
export async function recordVisitEvent(
  s: VisitServices,
  q: Queryable,
  tenantId: number,
  row: VisitRow,
  event: VisitEvent,
  changes: Partial<Omit<VisitRow, 'id' | 'state' | 'status'>> = {},
): Promise<VisitRow> {
  const at = Math.max(s.now(), row.state.lastEventAt);
  let state;
  try {
    state = visitTransition(row.state, event, at);
  } catch (err) {
    if (err instanceof VisitTransitionError)
      throw new FhirError(409, { severity: 'error', code: 'business-rule', diagnostics: err.message });
    throw err;
  }
  const next: VisitRow = {
    ...row,
    ...changes,
    state,
    status: state.status,
    ...(event.type === 'check-in' ? { arrivedAt: at } : {}),
    ...(event.type === 'admit' ? { admittedAt: at } : {}),
    ...(event.type === 'end' || event.type === 'cancel' || event.type === 'no-show' ? { endedAt: at } : {}),
  };
  await saveVisit(q, tenantId, next);
  await updateResource(s.fhir, { tenantId, access: OPEN_ACCESS, q }, 'Encounter', row.id, {
    ...encounterResource(state),
    id: row.id,
  });
  const extra =
    event.type === 'admit' || event.type === 'modality-change'
      ? { modality: event.modality }
      : event.type === 'join' || event.type === 'leave'
        ? { participantKind: event.type === 'join' ? event.role : 'left' }
        : {};
  await emit(q, tenantId, `visit.${event.type}`, next, at, extra);
  return next;
}
