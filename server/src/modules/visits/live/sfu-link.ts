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
        if (holder.link) void holder.link.publishersChanged(ids);
        else holder.pending = ids;
      },
      onClosed: () => {
        if (holder.link && !holder.link.closed) onLost();
      },
    });
    const link = new SfuLink(session, send);
    holder.link = link;
    if (holder.pending) void link.publishersChanged(holder.pending);
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

  private async publishersChanged(ids: readonly string[]): Promise<void> {
    if (this.closed) return;
    for (const [publisherId, subscriptionId] of [...this.subscriptions]) {
      if (ids.includes(publisherId)) continue;
      this.subscriptions.delete(publisherId);
      await this.session.unsubscribe(subscriptionId).catch(() => undefined);
      this.send({ t: 'sfu-unsubscribed', subscriptionId, publisherId });
    }
    for (const publisherId of ids) {
      if (this.subscriptions.has(publisherId) || this.closed) continue;
      const sub = await this.session.subscribe(publisherId);
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
