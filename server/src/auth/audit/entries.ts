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
  return parsed.accesses.map((a, i) => ({
    ...buildAuditEvent({ ...(a as StoredAccess), observer: OBSERVER }, recorded),
    id: `${entryId}-${i}`,
  }));
}
