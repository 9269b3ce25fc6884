import type { AuditLog } from '../audit/audit-log.js';
import type { StoredAccess } from '../audit/entries.js';
import type { AccessRecord } from '../audit/events/index.js';

export type TrailRecord = Omit<AccessRecord, 'agent' | 'observer'>;

/**
 * The audit records of one request, written when its response is about to leave: every access to
 * patients' records and every denial. The response waits for them, and fails if they cannot be
 * written (auth/access/plugin.ts), so nothing is shown unaudited.
 */
export class AuditTrail {
  private readonly records: TrailRecord[] = [];

  constructor(
    private readonly log: AuditLog,
    readonly tenantId: number,
    private readonly agent: AccessRecord['agent'],
  ) {}

  add(record: TrailRecord): void {
    this.records.push(record);
  }

  get size(): number {
    return this.records.length;
  }

  /** Writes what touched a patient's record, and every denial; other reads are not PHI access. */
  async flush(): Promise<void> {
    const due = this.records.splice(0).filter((r) => r.patients.length > 0 || r.outcome !== 'success');
    if (due.length === 0) return;
    await Promise.all(
      due.map((r) => {
        const access: StoredAccess = {
          ...r,
          agent: r.breakGlassReason ? { ...this.agent, purposeOfUse: 'ETREAT' } : this.agent,
        };
        return this.log.append(this.tenantId, { access, patients: r.patients });
      }),
    );
  }
}
