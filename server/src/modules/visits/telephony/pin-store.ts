import type { Database } from '../../../platform/db/pool.js';
import type { PinStore } from './provider.js';

/** Phone-bridge PINs in the visit table, by hash: the gateway's lookup works on any node. */
export function dbPinStore(db: Database): PinStore {
  return {
    async save(visit, pinHash, expiresAt) {
      await db.query(
        visit.tenantId,
        `UPDATE visit SET phone_pin_hash = $3, phone_pin_expires_at = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
        [visit.tenantId, visit.visitId, pinHash, new Date(expiresAt)],
      );
    },
    async find(pinHash, now) {
      // The caller on the line names no tenant: the lookup is across tenants, by the PIN alone.
      const res = await db.relayTransaction((q) =>
        q.query<{ tenant_id: number; id: string }>(
          `SELECT tenant_id, id FROM visit WHERE phone_pin_hash = $1 AND phone_pin_expires_at > $2
             AND status IN ('arrived', 'in-progress')`,
          [pinHash, new Date(now)],
        ),
      );
      const row = res.rows[0];
      return row ? { tenantId: row.tenant_id, visitId: row.id } : null;
    },
  };
}
