import crypto from 'node:crypto';

/** The hash before the first entry of a chain. */
export const GENESIS = Buffer.alloc(32);

/**
 * entry_hash = sha256(previous || seq as 8 bytes big-endian || recorded (ISO text) || 0x00 || event).
 * Appends compute it in SQL (`chain-writer.ts`); `openvisit audit verify` recomputes it here.
 * Every field an attacker could change is covered; the seq makes a removed or reordered entry break
 * the chain even when the removed entry's neighbours are intact.
 */
export function entryHash(previous: Buffer, seq: bigint, recorded: string, event: string): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(seq);
  return crypto
    .createHash('sha256')
    .update(previous)
    .update(seqBytes)
    .update(recorded, 'utf8')
    .update(Buffer.of(0))
    .update(event, 'utf8')
    .digest();
}
