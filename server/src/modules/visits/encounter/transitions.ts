import {
  VISIT_MODALITIES,
  type CancelReason,
  type ParticipantReference,
  type ParticipantRole,
  type VisitModality,
  type VisitState,
  type VisitStatus,
} from './state.js';

export type VisitEvent =
  | { type: 'check-in' }
  /** `by`: the admitting clinician, who becomes the primary one when the visit has none (on demand). */
  | { type: 'admit'; modality: VisitModality; by?: `Practitioner/${string}` }
  | { type: 'modality-change'; modality: VisitModality }
  | { type: 'join'; role: Exclude<ParticipantRole, 'primary-clinician'>; reference: ParticipantReference }
  | { type: 'leave'; reference: ParticipantReference }
  | { type: 'end' }
  | { type: 'cancel'; text?: string }
  | { type: 'no-show' }
  | { type: 'enter-in-error' };

export type VisitEventType = VisitEvent['type'];

export type VisitTransitionErrorCode =
  | 'illegal-transition'
  | 'time-went-backwards'
  | 'invalid-time'
  | 'unknown-modality'
  | 'same-modality'
  | 'already-present'
  | 'not-present'
  | 'no-clinician';

/** A rejected event; the state is unchanged. */
export class VisitTransitionError extends Error {
  override readonly name = 'VisitTransitionError';
  constructor(
    readonly code: VisitTransitionErrorCode,
    readonly event: VisitEventType,
    readonly from: VisitStatus,
    message: string,
  ) {
    super(message);
  }
}

/** The statuses each event may start from. */
export const ALLOWED_FROM: Readonly<Record<VisitEventType, readonly VisitStatus[]>> = {
  'check-in': ['planned'],
  admit: ['arrived'],
  'modality-change': ['in-progress'],
  join: ['arrived', 'in-progress'],
  leave: ['arrived', 'in-progress'],
  end: ['in-progress'],
  cancel: ['planned', 'arrived'],
  'no-show': ['planned'],
  'enter-in-error': ['planned', 'arrived', 'in-progress', 'finished', 'cancelled'],
};

const WHY: Partial<Record<VisitEventType, string>> = {
  admit: 'only a checked-in (arrived) patient can be admitted',
  'modality-change': 'the modality can change only while the visit is in progress',
  join: 'participants can join only after check-in and before the visit ends',
  leave: 'participants can leave only after check-in and before the visit ends',
  end: 'only a visit in progress can be ended',
  cancel: 'only a visit not yet admitted can be cancelled',
  'no-show': 'only a visit the patient never checked in to can be a no-show',
  'check-in': 'only a planned visit can be checked in to',
};

/**
 * Applies one event at `at` (epoch ms) and returns the new state; never mutates `state`. Throws
 * `VisitTransitionError` for an event the current status does not allow or a time before the last event.
 */
export function visitTransition(state: VisitState, event: VisitEvent, at: number): VisitState {
  const fail = (code: VisitTransitionErrorCode, message: string) =>
    new VisitTransitionError(code, event.type, state.status, message);
  if (!Number.isFinite(at)) throw fail('invalid-time', 'Event time must be a finite epoch millisecond value');
  if (!ALLOWED_FROM[event.type].includes(state.status)) {
    const why = WHY[event.type] ?? 'this status accepts no further events';
    throw fail('illegal-transition', `Cannot ${event.type} a visit that is ${state.status}: ${why}`);
  }
  if (at < state.lastEventAt)
    throw fail('time-went-backwards', `Cannot ${event.type} at a time before the visit's last event`);

  switch (event.type) {
    case 'check-in':
      return moveTo(state, 'arrived', at);
    case 'admit': {
      checkModality(event.modality, fail);
      const next = moveTo(state, 'in-progress', at);
      const hasPrimary = next.participants.some((p) => p.role === 'primary-clinician');
      const newPrimary = hasPrimary ? undefined : event.by;
      if (!hasPrimary && !newPrimary)
        throw fail('no-clinician', 'An on-demand visit is admitted by a named clinician');
      return {
        ...next,
        modalityHistory: [{ modality: event.modality, start: at }],
        participants: newPrimary
          ? [{ role: 'primary-clinician', reference: newPrimary, start: at }, ...next.participants]
          : next.participants.map((p) =>
              p.role === 'primary-clinician' && p.start === undefined ? { ...p, start: at } : p,
            ),
      };
    }
    case 'modality-change': {
      checkModality(event.modality, fail);
      const current = state.modalityHistory[state.modalityHistory.length - 1];
      if (current?.modality === event.modality)
        throw fail('same-modality', `The visit already uses ${event.modality}`);
      return {
        ...state,
        lastEventAt: at,
        modalityHistory: [...closeLast(state.modalityHistory, at), { modality: event.modality, start: at }],
      };
    }
    case 'join': {
      if (present(state, event.reference))
        throw fail('already-present', 'This participant is already in the visit');
      // Someone rejoining after leaving keeps the role they had (the primary clinician stays primary).
      const role = state.participants.find((p) => p.reference === event.reference)?.role ?? event.role;
      return {
        ...state,
        lastEventAt: at,
        participants: [...state.participants, { role, reference: event.reference, start: at }],
      };
    }
    case 'leave': {
      const i = state.participants.findIndex((p) => p.reference === event.reference && isPresent(p));
      if (i < 0) throw fail('not-present', 'This participant is not in the visit');
      const participants = state.participants.slice();
      participants[i] = { ...participants[i]!, end: at };
      return { ...state, lastEventAt: at, participants };
    }
    case 'end': {
      const next = moveTo(state, 'finished', at);
      return {
        ...next,
        modalityHistory: closeLast(next.modalityHistory, at),
        participants: next.participants.map((p) => (isPresent(p) ? { ...p, end: at } : p)),
      };
    }
    case 'cancel':
      return cancelled(state, at, 'cancelled', event.text);
    case 'no-show':
      return cancelled(state, at, 'no-show');
    case 'enter-in-error': {
      const next = moveTo(state, 'entered-in-error', at);
      return { ...next, modalityHistory: closeLast(next.modalityHistory, at) };
    }
  }
}

function moveTo(state: VisitState, status: VisitStatus, at: number): VisitState {
  return {
    ...state,
    status,
    lastEventAt: at,
    statusHistory: [...closeLast(state.statusHistory, at), { status, start: at }],
  };
}

function cancelled(state: VisitState, at: number, reason: CancelReason, text?: string): VisitState {
  const next = moveTo(state, 'cancelled', at);
  return {
    ...next,
    cancel: text ? { reason, text } : { reason },
    participants: next.participants.map((p) => (isPresent(p) ? { ...p, end: at } : p)),
  };
}

function closeLast<T extends { start: number; end?: number }>(entries: T[], at: number): T[] {
  const last = entries[entries.length - 1];
  if (!last || last.end !== undefined) return entries;
  return [...entries.slice(0, -1), { ...last, end: at }];
}

const isPresent = (p: { start?: number; end?: number }) => p.start !== undefined && p.end === undefined;

/** In the visit now, or the primary clinician before admission (who joins by admitting). */
function present(state: VisitState, reference: ParticipantReference): boolean {
  return state.participants.some((p) => p.reference === reference && (isPresent(p) || p.start === undefined));
}

function checkModality(
  modality: unknown,
  fail: (code: VisitTransitionErrorCode, message: string) => VisitTransitionError,
): void {
  if (!VISIT_MODALITIES.includes(modality as VisitModality))
    throw fail('unknown-modality', `Modality must be one of ${VISIT_MODALITIES.join(', ')}`);
}
