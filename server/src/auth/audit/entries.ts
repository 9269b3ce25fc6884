import { buildAuditEvent, type AccessRecord, type AuditEvent } from './events/index.js';
import type { StoredEntry } from './audit-log.js';

/** One access as the log stores it: an AccessRecord without the (constant) observer. */
export type StoredAccess = Omit<AccessRecord, 'observer'>;

const OBSERVER = { name: 'OpenVisit' };

/**
 * The FHIR AuditEvents (IHE BALP) of one stored entry, rebuilt deterministically from the accesses it
 * holds, each with the id `<entry id>-<n>`. Entries written before batching hold one AuditEvent.
 */
export function auditEventsOf(
  text: string,
  recorded: Date,
  entryId: string,
): (AuditEvent & { id: string })[] {
  const parsed = JSON.parse(text) as StoredEntry | (AuditEvent & { resourceType: 'AuditEvent' });
  if ('resourceType' in parsed) return [{ ...parsed, id: entryId }];
  return accessesOf(parsed).map((a, i) => ({
    ...buildAuditEvent({ ...a, observer: OBSERVER }, recorded),
    id: `${entryId}-${i}`,
  }));
}

/** The accesses of an entry, each with its agent. */
export function accessesOf(entry: StoredEntry): StoredAccess[] {
  if (entry.v === 2) return entry.accesses as StoredAccess[];
  // Stored by chain-writer.ts from StoredAccess records: only `agent` differs.
  return entry.accesses.map(
    (a) =>
      (typeof a.agent === 'number' ? { ...a, agent: entry.agents[a.agent] } : a) as unknown as StoredAccess,
  );
}
