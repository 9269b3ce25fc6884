import { createHash, createHmac, randomBytes } from 'node:crypto';
import { MediaProviderError, type MediaRoomRef } from './provider.js';

/**
 * Names and credentials of a visit's VideoRoom. The room id is a hash of the tenant and visit ids,
 * the same for every node; the room's secret and PIN are derived from a key only the servers hold.
 * Nodes with the same key (`JANUS_ROOM_KEY`) share the room, so a visit's participants may sit on
 * different nodes, and a restarted node can still close its rooms. A node with another key finds
 * the room taken (`room-conflict`) rather than silently making a second room for the visit.
 * Without a configured key each provider draws a random one, and its rooms are its own.
 *
 * Janus sees only these numbers and the opaque participant ids, never the tenant or visit id.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Participant ids go to Janus as display names and publisher ids, and land in its logs. */
const PARTICIPANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The shortest `JANUS_ROOM_KEY` accepted: 32 characters. */
export const MIN_ROOM_KEY_LENGTH = 32;

export interface RoomCredentials {
  /** Janus's numeric room id: 48 bits, so it is a safe JavaScript integer. */
  roomId: number;
  /** Janus's room `secret`: needed to edit, kick in or destroy the room. */
  secret: string;
  /** Janus's room `pin`: needed to join the room, as publisher or subscriber. */
  pin: string;
}

export function randomRoomKey(): Buffer {
  return randomBytes(32);
}

export function checkRoomRef(room: MediaRoomRef): void {
  if (typeof room !== 'object' || room === null)
    throw new MediaProviderError('invalid-argument', 'the room must be { tenantId, visitId }');
  if (!Number.isSafeInteger(room.tenantId) || room.tenantId < 0)
    throw new MediaProviderError('invalid-argument', 'the tenant id must be a non-negative integer');
  if (typeof room.visitId !== 'string' || !UUID.test(room.visitId))
    throw new MediaProviderError('invalid-argument', 'the visit id must be a UUID');
}

export function isParticipantId(value: unknown): value is string {
  return typeof value === 'string' && PARTICIPANT_ID.test(value);
}

export function checkParticipantId(value: unknown): string {
  if (!isParticipantId(value))
    throw new MediaProviderError(
      'invalid-argument',
      'a participant id must be an opaque id of 1 to 64 letters, digits, "_" or "-"',
    );
  return value;
}

export class RoomKeys {
  constructor(private readonly key: Buffer) {}

  /** The room's key in maps: `<tenant>:<visit uuid in lower case>`. */
  static refKey(room: MediaRoomRef): string {
    checkRoomRef(room);
    return `${room.tenantId}:${room.visitId.toLowerCase()}`;
  }

  credentials(room: MediaRoomRef): RoomCredentials {
    const roomId = publicId(`room:${RoomKeys.refKey(room)}`);
    return {
      roomId,
      secret: this.mac(`secret:${roomId}`).toString('base64url'),
      pin: this.mac(`pin:${roomId}`).subarray(0, 18).toString('base64url'),
    };
  }

  private mac(label: string): Buffer {
    return createHmac('sha256', this.key).update(`openvisit-janus:${label}`).digest();
  }
}

/** The participant's Janus publisher id in the room (the same on every node). */
export function feedId(roomId: number, participantId: string): number {
  return publicId(`feed:${roomId}:${participantId}`);
}

/** 48 bits of a hash: well inside Number.MAX_SAFE_INTEGER and Janus's 64-bit ids; never 0 ("pick one"). */
function publicId(label: string): number {
  return createHash('sha256').update(`openvisit-janus:${label}`).digest().readUIntBE(0, 6) || 1;
}
