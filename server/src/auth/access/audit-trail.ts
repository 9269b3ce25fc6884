import type { AuditLog } from '../audit/audit-log.js';
import type { StoredAccess } from '../audit/entries.js';
import type { AccessRecord } from '../audit/events/index.js';

export type TrailRecord = Omit<AccessRecord, 'agent' | 'observer'>;

/**
 * The audit records of one request: every access to patients' records and every denial (other
 * reads are not PHI access). Each is handed to the log as soon as the access is decided, so its
 * write overlaps the rest of the request; the response waits for all of them and fails if one
 * cannot be written (auth/access/plugin.ts), so nothing is shown unaudited.
 */
export class AuditTrail {
  private readonly writes: Promise<void>[] = [];
  private count = 0;

  constructor(
    private readonly log: AuditLog,
    readonly tenantId: number,
    private readonly agent: AccessRecord['agent'],
  ) {}

  add(record: TrailRecord): void {
    this.count++;
    if (record.patients.length === 0 && record.outcome === 'success') return;
    const access: StoredAccess = {
      ...record,
      agent: record.breakGlassReason ? { ...this.agent, purposeOfUse: 'ETREAT' } : this.agent,
    };
    const write = this.log.append(this.tenantId, { access, patients: record.patients });
    // Observed by flush(); until then a failure must not surface as an unhandled rejection.
    write.catch(() => undefined);
    this.writes.push(write);
  }

  /** How many accesses the request recorded (audited or not). */
  get size(): number {
    return this.count;
  }

  /** Settles when every record is committed; rejects when one could not be. */
  async flush(): Promise<void> {
    const pending = this.writes.splice(0);
    if (pending.length > 0) await Promise.all(pending);
  }
}
