import type { Slot } from './types.js';

/**
 * Weighted round-robin for "first available", kept as plain JSON so the booking code can store it
 * per tenant and service line and update it in the booking's transaction.
 *
 * It is smooth weighted round-robin by virtual time (the WF2Q idea): each clinician has a virtual
 * start; a pick serves, among the eligible clinicians whose start has come (≤ the pool's virtual
 * clock), the one that would finish first (start + 1/weight), and the clock then advances by
 * 1/(sum of the eligible weights). With everyone eligible this interleaves exactly like nginx's
 * smooth weighted round-robin (weights 5:1:1 give a b a a c a a). Unlike nginx's, a clinician
 * skipped at some picks (no slot then) does not shift the ratio of the others: two clinicians who
 * stay eligible split their picks by their weights within one pick, whatever the rest do (nginx's
 * drifts by several percent when someone is eligible every other pick). One who comes back after
 * being skipped may catch up one visit at most, never a burst.
 *
 * The clock is kept at 0 (every start is stored relative to it), so numbers stay small.
 */
export interface RotationState {
  version?: 1;
  /** Virtual start by practitionerId, relative to the pool's clock; absent means "now" (0). */
  pass?: Record<string, number>;
  /** Who was eligible at the last pick: anyone else is coming back. */
  eligible?: string[];
}

export interface WeightedCandidate {
  practitionerId: string;
  /** Positive; a candidate with a weight that is not is never chosen. */
  weight: number;
}

/** Starts within this of each other are equal (sums of 1/weight are not exact in binary). */
const EPSILON = 1e-9;
/** Stored starts of absent clinicians stop sinking here: one visit back for any weight ≥ 1. */
const FLOOR = -1;

/**
 * Chooses one of the eligible candidates and returns the state to store next. Pure and
 * deterministic: equal finishes go to the larger weight, then the smaller practitionerId, whatever
 * the candidates' order. Accepts whatever JSON was stored (`{}` for a new pool; unknown shapes and
 * non-numbers are ignored). Throws a RangeError when no candidate has a positive weight: the caller
 * checks first that someone is free.
 */
export function pickClinician(
  state: RotationState | null | undefined,
  eligible: readonly WeightedCandidate[],
): { chosen: string; state: Required<RotationState> } {
  const pass = new Map<string, number>();
  const stored: unknown = state?.pass;
  if (typeof stored === 'object' && stored !== null) {
    for (const [id, value] of Object.entries(stored)) {
      if (typeof value === 'number' && Number.isFinite(value)) pass.set(id, value);
    }
  }
  const wasEligible = new Set(Array.isArray(state?.eligible) ? state.eligible : []);

  const candidates = new Map<string, { weight: number; start: number }>();
  let totalWeight = 0;
  let earliestStart = Infinity;
  for (const { practitionerId: id, weight } of eligible) {
    if (candidates.has(id) || !(weight > 0) || !Number.isFinite(weight)) continue;
    let start = pass.get(id) ?? 0;
    // Coming back after being skipped: behind the clock by one visit at most.
    if (!wasEligible.has(id)) start = Math.max(start, -1 / weight);
    candidates.set(id, { weight, start });
    totalWeight += weight;
    earliestStart = Math.min(earliestStart, start);
  }
  if (candidates.size === 0) throw new RangeError('No eligible clinician to choose from');
  // When every candidate is ahead of the clock (the others are away), the clock moves up to them.
  const jump = Math.max(0, earliestStart);

  let best: { id: string; finish: number; weight: number } | undefined;
  for (const [id, c] of candidates) {
    c.start -= jump;
    if (c.start > EPSILON) continue;
    const finish = c.start + 1 / c.weight;
    if (
      !best ||
      finish < best.finish - EPSILON ||
      (finish <= best.finish + EPSILON &&
        (c.weight > best.weight || (c.weight === best.weight && id < best.id)))
    ) {
      best = { id, finish, weight: c.weight };
    }
  }
  const chosen = best!;

  const tick = jump + 1 / totalWeight;
  const next: Record<string, number> = {};
  const ids = new Set([...pass.keys(), ...candidates.keys()]);
  for (const id of [...ids].sort()) {
    const c = candidates.get(id);
    if (id === chosen.id) next[id] = chosen.finish - (tick - jump);
    else if (c) next[id] = c.start - (tick - jump);
    else next[id] = Math.max(FLOOR, pass.get(id)! - tick);
  }
  return { chosen: chosen.id, state: { version: 1, pass: next, eligible: [...candidates.keys()].sort() } };
}

/**
 * Forgets clinicians no longer in the pool, so a stored state does not grow without bound as
 * clinicians come and go.
 */
export function pruneRotationState(state: RotationState, pool: Iterable<string>): Required<RotationState> {
  const keep = new Set(pool);
  return {
    version: 1,
    pass: Object.fromEntries(Object.entries(state.pass ?? {}).filter(([id]) => keep.has(id))),
    eligible: (state.eligible ?? []).filter((id) => keep.has(id)),
  };
}

/** The earliest start among slots and every clinician free then (sorted, once each); null if none. */
export function firstAvailable(slots: readonly Slot[]): { start: number; practitionerIds: string[] } | null {
  let start = Infinity;
  for (const s of slots) if (s.start < start) start = s.start;
  if (start === Infinity) return null;
  const ids = new Set<string>();
  for (const s of slots) if (s.start === start) ids.add(s.practitionerId);
  return { start, practitionerIds: [...ids].sort() };
}

/**
 * "First available" for a pool: the earliest slot's clinicians, one of them chosen by weighted
 * round-robin. Returns the slot to book and the state to store; null when there is no slot.
 */
export function assignFirstAvailable(
  slots: readonly Slot[],
  weights: ReadonlyMap<string, number>,
  state: RotationState | null | undefined,
): { slot: Slot; state: Required<RotationState> } | null {
  const first = firstAvailable(slots);
  if (!first) return null;
  const pick = pickClinician(
    state,
    first.practitionerIds.map((id) => ({ practitionerId: id, weight: weights.get(id) ?? 1 })),
  );
  const slot = slots.find((s) => s.start === first.start && s.practitionerId === pick.chosen)!;
  return { slot, state: pick.state };
}
