import type { SignalMessage } from '../signaling/index.js';
import type { GuestKind, PeerInfo, ServerMessage } from './protocol.js';

/** What a room needs of a socket. */
export interface RoomMember {
  readonly connId: string;
  readonly participantId: string;
  readonly role: PeerInfo['role'];
  /** A guest's invitation role. */
  readonly kind: GuestKind | undefined;
  send(message: ServerMessage): void;
  /** Sends a frame already serialized (one relayed signal, built once for every member). */
  sendText(frame: string): void;
  close(code: number, reason: string): void;
  /** The visit's status as this node last heard it. */
  visitStatusChanged(status: string): void;
  modalityChanged(modality: string): void;
  /** The visit moved to (or from) the media server: the member sends `media-mode` when it is ready. */
  mediaModeChanged(mode: 'p2p' | 'sfu'): void;
}

/** A visit's messages between nodes (the bus body, `k` for kind). */
export type RoomEvent =
  | {
      k: 'peer';
      id: string;
      role: PeerInfo['role'];
      kind?: GuestKind;
      conn: string;
      state: 'joined' | 'left';
      pc?: 'new' | 'existing';
    }
  | { k: 'here'; id: string; role: PeerInfo['role']; kind?: GuestKind; conn: string; to: string }
  /** `data` is the signal's JSON object as text: relayed as it is, never parsed again on the way. */
  | { k: 'signal'; from: string; to?: string; data: string }
  | { k: 'chat'; id: string; from: string; text: string; sent: string }
  | { k: 'status'; status: string; modality: string | null }
  | { k: 'modality'; modality: string; trigger: 'user' | 'automatic' }
  | { k: 'media'; mode: 'p2p' | 'sfu' };

const OVER = new Set(['finished', 'cancelled', 'entered-in-error']);

/**
 * The sockets of one visit on this node, and what reaches them from the bus. Every event is
 * delivered to this node's members whether it came from here or from another node (the bus delivers
 * to local subscribers too), so nothing is sent twice and the order is the bus's.
 */
export class Room {
  readonly members = new Set<RoomMember>();
  status: string;
  modality: string | null;
  media: 'p2p' | 'sfu';

  constructor(
    readonly key: string,
    status: string,
    modality: string | null,
    media: 'p2p' | 'sfu',
    private readonly publish: (event: RoomEvent) => void,
    readonly unsubscribe: () => void,
  ) {
    this.status = status;
    this.modality = modality;
    this.media = media;
  }

  deliver(message: SignalMessage): void {
    const e = message.body as unknown as RoomEvent;
    switch (e.k) {
      case 'peer':
        for (const m of this.members) {
          if (m.participantId === e.id) {
            // The same participant connected again (another tab, or a resume on another node).
            if (e.state === 'joined' && m.connId !== e.conn) m.close(4409, 'replaced by a newer connection');
            continue;
          }
          m.send({
            t: 'peer',
            id: e.id,
            role: e.role,
            ...(e.kind ? { kind: e.kind } : {}),
            state: e.state,
            conn: e.conn,
            ...(e.pc ? { pc: e.pc } : {}),
          });
          // Tell the newcomer who is here (it may be on another node).
          if (e.state === 'joined')
            this.publish({
              k: 'here',
              id: m.participantId,
              role: m.role,
              ...(m.kind ? { kind: m.kind } : {}),
              conn: m.connId,
              to: e.id,
            });
        }
        return;
      case 'here':
        for (const m of this.members)
          if (m.participantId === e.to)
            m.send({
              t: 'peer',
              id: e.id,
              role: e.role,
              ...(e.kind ? { kind: e.kind } : {}),
              state: 'joined',
              conn: e.conn,
              pc: 'existing',
            });
        return;
      case 'signal': {
        // A frame the receiving socket could not parse is dropped here (only nodes publish on the bus).
        if (typeof e.data !== 'string' || !e.data.startsWith('{') || !e.data.endsWith('}')) return;
        let frame: string | undefined;
        for (const m of this.members)
          if (m.participantId !== e.from && (e.to === undefined || e.to === m.participantId))
            m.sendText((frame ??= `{"t":"signal","from":${JSON.stringify(e.from)},"data":${e.data}}`));
        return;
      }
      case 'chat':
        for (const m of this.members)
          m.send({ t: 'chat', id: e.id, from: e.from, text: e.text, sent: e.sent });
        return;
      case 'status':
        this.status = e.status;
        this.modality = e.modality;
        for (const m of [...this.members]) {
          m.send({ t: 'status', status: e.status, modality: e.modality });
          m.visitStatusChanged(e.status);
          if (OVER.has(e.status)) m.close(4410, 'the visit is over');
        }
        return;
      case 'modality':
        this.modality = e.modality;
        for (const m of this.members) {
          m.send({ t: 'modality', modality: e.modality, trigger: e.trigger });
          m.modalityChanged(e.modality);
        }
        return;
      case 'media':
        if (this.media === e.mode) return;
        this.media = e.mode;
        // Each member says `media-mode` itself, once it is ready for it (its SFU link open).
        for (const m of this.members) m.mediaModeChanged(e.mode);
        return;
    }
  }
}
