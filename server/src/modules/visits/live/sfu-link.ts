import type { MediaProvider, MediaSession } from '../media/index.js';
import type { IceCandidate, Jsep, ServerMessage } from './protocol.js';

/** People in one visit's SFU room at most. */
const ROOM_CAP = 6;

/**
 * One socket's connection to the media server, in a visit of more than two: the browser publishes
 * through it and is subscribed to every other participant who publishes. All Janus (or other
 * provider) work is here, on the server; the browser only sees SDP and candidates.
 */
export class SfuLink {
  private readonly subscriptions = new Map<string, string>(); // publisherId → subscriptionId
  private closed = false;
  /** The publisher lists are applied one at a time, the latest each time (see `publishersChanged`). */
  private changes: Promise<void> = Promise.resolve();
  private latest: readonly string[] = [];

  private constructor(
    private readonly session: MediaSession,
    private readonly send: (m: ServerMessage) => void,
  ) {}

  static async open(
    provider: MediaProvider,
    room: { tenantId: number; visitId: string },
    participantId: string,
    send: (m: ServerMessage) => void,
    onLost: () => void,
  ): Promise<SfuLink> {
    await provider.openRoom(room, { maxParticipants: ROOM_CAP });
    const holder: { link?: SfuLink; pending?: readonly string[] } = {};
    const session = await provider.join(room, participantId, {
      onPublishersChanged: (ids) => {
        if (holder.link) holder.link.publishersChanged(ids);
        else holder.pending = ids;
      },
      onClosed: (reason) => {
        // Only a lost media server is worth joining again: `replaced` means this participant's newer
        // socket took the seat (rejoining would take it back, and so on), `room-closed` that the
        // visit is over.
        if (reason === 'provider-lost' && holder.link && !holder.link.closed) onLost();
      },
    });
    const link = new SfuLink(session, send);
    holder.link = link;
    if (holder.pending) link.publishersChanged(holder.pending);
    return link;
  }

  async publish(offer: Jsep): Promise<void> {
    const answer = await this.session.publish(offer);
    this.send({ t: 'sfu-answer', jsep: answer });
  }

  async answer(subscriptionId: string, answer: Jsep): Promise<void> {
    await this.session.answer(subscriptionId, answer);
  }

  async trickle(target: string, candidate: IceCandidate | null): Promise<void> {
    await this.session.trickle(target, candidate);
  }

  async audioOnly(on: boolean): Promise<void> {
    await this.session.setAudioOnly(on);
  }

  /**
   * The others publishing changed. Lists are applied in turn, never two at once (two would both
   * subscribe to a publisher new to each), and a list that waited applies the latest one.
   */
  private publishersChanged(ids: readonly string[]): void {
    this.latest = ids;
    this.changes = this.changes.then(() => this.applyPublishers()).catch(() => undefined);
  }

  private async applyPublishers(): Promise<void> {
    const ids = this.latest;
    if (this.closed) return;
    for (const [publisherId, subscriptionId] of [...this.subscriptions]) {
      if (ids.includes(publisherId)) continue;
      this.subscriptions.delete(publisherId);
      await this.session.unsubscribe(subscriptionId).catch(() => undefined);
      this.send({ t: 'sfu-unsubscribed', subscriptionId, publisherId });
    }
    for (const publisherId of ids) {
      if (this.subscriptions.has(publisherId) || this.closed) continue;
      // A publisher gone meanwhile (its leaving is the next list) or a session closing: skip it.
      const sub = await this.session.subscribe(publisherId).catch(() => null);
      if (!sub) continue;
      this.subscriptions.set(publisherId, sub.subscriptionId);
      this.send({ t: 'sfu-subscribe', subscriptionId: sub.subscriptionId, publisherId, jsep: sub.offer });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.leave().catch(() => undefined);
  }
}
