import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { queueOf, type QueueKey } from '../flows/queue.js';
import type { VisitServices } from '../services.js';
import { QueueFeeds } from './queue-feed.js';
import { Room, type RoomEvent, type RoomMember } from './room.js';
import { errorName, HEARTBEAT_SLICES, VisitSocket, type SocketHub } from './visit-socket.js';

/** Where the sockets are served. */
export const VISIT_SOCKET_PATH = '/api/visits/live';

const HEARTBEAT_MS = 25_000;
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface LiveLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * The visit WebSockets of this node: authentication by ticket, heartbeats, the visit rooms and the
 * queues their sockets follow. Rooms talk to the other nodes through the signal bus.
 */
export class VisitSockets implements SocketHub {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  private readonly rooms = new Map<string, Room>();
  readonly queues: QueueFeeds;
  private readonly sockets = new Set<VisitSocket>();
  /** The sockets of each heartbeat slice. */
  private readonly slices = Array.from({ length: HEARTBEAT_SLICES }, () => new Set<VisitSocket>());
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    readonly s: VisitServices,
    readonly log: LiveLogger,
  ) {
    this.queues = new QueueFeeds(s, s.bus, (err) =>
      this.log.warn({ err: errorName(err) }, 'queue refresh failed'),
    );
    let slice = 0;
    this.heartbeat = setInterval(() => {
      slice = (slice + 1) % HEARTBEAT_SLICES;
      for (const socket of this.slices[slice] ?? []) socket.beat();
    }, HEARTBEAT_MS / HEARTBEAT_SLICES);
    this.heartbeat.unref();
  }

  /** Takes the upgrades of `VISIT_SOCKET_PATH` on `server`. */
  attach(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== VISIT_SOCKET_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  private accept(ws: WebSocket): void {
    const socket = new VisitSocket(this, ws);
    this.sockets.add(socket);
    this.slices[socket.beatSlice]?.add(socket);
    this.s.metrics.connectionOpened();
    ws.once('close', () => {
      this.sockets.delete(socket);
      this.slices[socket.beatSlice]?.delete(socket);
      this.s.metrics.connectionClosed();
      socket.closed();
    });
  }

  /** Joins a socket to its visit's room, creating (and subscribing) the room on first use. */
  async enter(
    tenantId: number,
    visitId: string,
    status: string,
    modality: string | null,
    media: 'p2p' | 'sfu',
  ): Promise<Room> {
    const key = `${tenantId}/${visitId}`;
    let room = this.rooms.get(key);
    if (!room) {
      const ref = { tenantId, visitId };
      // The bus may deliver before the constructor returns: the handler finds the room through `holder`.
      const holder: { room?: Room } = {};
      const unsubscribe = this.s.bus.subscribe(ref, (m) => holder.room?.deliver(m));
      room = new Room(key, status, modality, media, (e) => this.publish(tenantId, visitId, e), unsubscribe);
      holder.room = room;
      this.rooms.set(key, room);
      await this.s.bus.flush().catch(() => undefined);
    }
    return room;
  }

  leave(room: Room, member: RoomMember): void {
    room.members.delete(member);
    if (room.members.size === 0) {
      room.unsubscribe();
      this.rooms.delete(room.key);
    }
  }

  publish(tenantId: number, visitId: string, event: RoomEvent): void {
    this.s.bus.publish({ tenantId, visitId }, event as unknown as Record<string, unknown>);
  }

  /** After a committed change of a visit: its sockets and its queue's followers hear of it. */
  visitChanged(
    tenantId: number,
    v: {
      id: string;
      status: string;
      appointmentId: string | null;
      practitionerId: string | null;
      serviceLine: string;
    },
    modality: string | null,
    queue?: QueueKey,
  ): void {
    this.publish(tenantId, v.id, { k: 'status', status: v.status, modality });
    this.queues.announce(tenantId, queue ?? queueOf(v));
  }

  /** Visits with a socket on this node. */
  get roomCount(): number {
    return this.rooms.size;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const socket of this.sockets) socket.close(1001, 'server going away');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
