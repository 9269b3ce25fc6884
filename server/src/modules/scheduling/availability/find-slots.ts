import { DAY_MS, MINUTE_MS } from './civil.js';
import { clinicianFilter } from './clinician-filter.js';
import { ClinicianSlots, type Caps, type SlotShape } from './clinician-slots.js';
import { unionOf } from './intervals.js';
import { BusyTable, Load, TakenTime } from './taken-time.js';
import type { BusyInterval, ClinicianAvailability, Slot, SlotQuery, VisitType } from './types.js';
import { WorkingIntervalStream, planFor, ruleServes } from './working-hours.js';
import { zoneOffsets } from './zone-offsets.js';

export const DEFAULT_SLOT_LIMIT = 500;

/** The first chunk of time searched across all clinicians; later chunks are sized to what is missing. */
const FIRST_CHUNK_MS = 60 * MINUTE_MS;
const MAX_CHUNK_MS = DAY_MS;
/** A week and a day beyond the window each way hold every appointment of the weeks it touches. */
const CAP_REACH_MS = 9 * DAY_MS;

/**
 * The range a booking of a visit type starting at `start` takes of the clinician's time: the visit
 * with its buffers, [start − before, start + duration + after). The booking code stores exactly this
 * under the exclusion constraint, and slot search keeps every slot's range clear of those stored.
 */
export function blockedRange(visitType: VisitType, start: number): { start: number; end: number } {
  return {
    start: start - visitType.bufferBeforeMin * MINUTE_MS,
    end: start + (visitType.durationMin + visitType.bufferAfterMin) * MINUTE_MS,
  };
}

/**
 * Where slot starts may lie: [max(from, now + notice), min(to, now + booking window)], both ends
 * included; null when that is empty.
 */
export function searchWindow(query: SlotQuery): { start: number; end: number } | null {
  const vt = query.visitType;
  const start = Math.max(query.from, query.now + vt.minNoticeMin * MINUTE_MS);
  const end = Math.min(query.to, query.now + vt.bookingWindowDays * DAY_MS);
  return start <= end ? { start, end } : null;
}

/**
 * The range of busy intervals a search needs (to pass to the busy query): those that can touch a
 * slot's blocked range, and every counted appointment of the local days and ISO weeks the window
 * touches in any zone, so the caps see the whole week.
 */
export function busyRangeFor(query: SlotQuery): { from: number; to: number } | null {
  const window = searchWindow(query);
  if (!window) return null;
  return { from: window.start - CAP_REACH_MS, to: window.end + CAP_REACH_MS };
}

/**
 * Free slots of the clinicians who fit the query, earliest first, ties by practitionerId
 * (code-unit order), at most `query.limit` (default 500).
 */
export function findSlots(
  query: SlotQuery,
  clinicians: readonly ClinicianAvailability[],
  busy: readonly BusyInterval[],
): Slot[] {
  const window = searchWindow(query);
  const limit = Math.floor(query.limit ?? DEFAULT_SLOT_LIMIT);
  if (!window || !(limit > 0)) return [];
  const vt = query.visitType;
  const shape: SlotShape = {
    windowStart: window.start,
    windowEnd: window.end,
    duration: vt.durationMin * MINUTE_MS,
    step: (vt.slotStepMin ?? vt.durationMin) * MINUTE_MS,
    before: vt.bufferBeforeMin * MINUTE_MS,
    after: vt.bufferAfterMin * MINUTE_MS,
  };
  if (!(shape.duration > 0 && shape.step > 0 && shape.before >= 0 && shape.after >= 0)) {
    throw new RangeError('Visit type duration and step must be positive, buffers not negative');
  }

  const fits = clinicianFilter(query);
  const byId = new Map<string, ClinicianAvailability>();
  for (const c of clinicians) if (!byId.has(c.practitionerId) && fits(c)) byId.set(c.practitionerId, c);
  const eligible = [...byId.values()].sort((a, b) => compareIds(a.practitionerId, b.practitionerId));
  const table = new BusyTable(busy, new Map(eligible.map((c, k) => [c.practitionerId, k])), {
    takenFrom: shape.windowStart - shape.before,
    takenTo: shape.windowEnd + shape.duration + shape.after,
    loadFrom: shape.windowStart - CAP_REACH_MS,
    loadTo: shape.windowEnd + CAP_REACH_MS,
  });
  let active: ClinicianSlots[] = [];
  eligible.forEach((c, k) => {
    const slots = openClinician(c, vt.serviceLine, shape, table, k);
    if (slots) active.push(slots);
  });

  // Time is searched chunk by chunk across every clinician: a chunk's slots are sorted and kept,
  // and the search stops at the first chunk that fills the limit, so a small limit expands only the
  // first hours. Clinicians are in id order and the sort is stable: equal starts stay in id order.
  const found: Slot[] = [];
  const batch: Slot[] = [];
  let chunkStart = window.start;
  let chunk = FIRST_CHUNK_MS;
  while (active.length > 0 && chunkStart <= window.end) {
    const chunkEnd = Math.min(chunkStart + chunk, window.end + 1);
    for (const c of active) c.emitBefore(chunkEnd, batch);
    if (batch.length > 1) batch.sort(byStart);
    const wanted = limit - found.length;
    for (let i = 0; i < batch.length && i < wanted; i++) found.push(batch[i]!);
    if (found.length >= limit) break;
    // Size the next chunk to about twice what is still wanted at the rate this one gave.
    const span = chunkEnd - chunkStart;
    const missing = limit - found.length;
    chunk = batch.length === 0 ? span * 2 : (span * 2 * missing) / batch.length;
    chunk = Math.min(Math.max(chunk, FIRST_CHUNK_MS), MAX_CHUNK_MS);
    batch.length = 0;
    chunkStart = chunkEnd;
    active = active.filter((c) => !c.done);
  }
  return found;
}

function openClinician(
  clinician: ClinicianAvailability,
  serviceLine: string,
  shape: SlotShape,
  busy: BusyTable,
  index: number,
): ClinicianSlots | undefined {
  const rules = clinician.rules.filter((r) => ruleServes(r, serviceLine));
  if (rules.length === 0 && clinician.overrides.every((o) => o.intervals.length === 0)) return undefined;
  const zone = zoneOffsets(clinician.timeZone);
  const timeOff = unionOf(clinician.timeOff);
  const hours = new WorkingIntervalStream(
    planFor(clinician, rules),
    zone.localDayOf(shape.windowStart) - 1,
    zone.localDayOf(shape.windowEnd) + 1,
    timeOff,
  );
  const { maxPerDay, maxPerWeek } = clinician;
  const caps: Caps | undefined =
    maxPerDay === undefined && maxPerWeek === undefined
      ? undefined
      : {
          zone,
          maxPerDay: maxPerDay ?? Infinity,
          maxPerWeek: maxPerWeek ?? Infinity,
          load: new Load(busy, index, zone),
        };
  const taken = new TakenTime(busy, index);
  return new ClinicianSlots(clinician.practitionerId, hours, shape, taken, timeOff, caps);
}

function byStart(a: Slot, b: Slot): number {
  return a.start - b.start;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
