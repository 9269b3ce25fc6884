import type { SignalBus } from '../signaling/index.js';
import type { VisitServices } from '../services.js';
import { placeOf, queueChannel, queueSnapshot, type QueueKey } from '../flows/queue.js';

/** A socket that follows a queue: a waiting patient (their own place only) or a clinician (the count). */
export interface QueueFollower {
  readonly tenantId: number;
  /** The waiting patient's visit; null for a clinician's queue view. */
  readonly visitId: string | null;
  onQueue(update: { waiting: number; place: { position: number; etaMinutes: number } | null }): void;
}

/** How soon after a change the queue is read again: changes in a burst cost one read. */
const SETTLE_MS = 50;

/**
 * The queues this node's sockets follow. A change anywhere (check-in, admission, a patient leaving)
 * is announced on the queue's bus channel; each node then reads the queue once and tells its own
 * followers. A waiting patient learns only their own place, never who else waits.
 */
export class QueueFeeds {
  private readonly feeds = new Map<
    string,
    {
      tenantId: number;
      key: QueueKey;
      followers: Set<QueueFollower>;
      unsubscribe: () => void;
      timer: NodeJS.Timeout | null;
    }
  >();

  constructor(
    private readonly s: VisitServices,
    private readonly bus: SignalBus,
    private readonly onError: (err: unknown) => void,
  ) {}

  follow(tenantId: number, key: QueueKey, follower: QueueFollower): () => void {
    const channel = queueChannel(tenantId, key);
    let feed = this.feeds.get(channel);
    if (!feed) {
      const created = {
        tenantId,
        key,
        followers: new Set<QueueFollower>(),
        timer: null as NodeJS.Timeout | null,
        unsubscribe: this.bus.subscribe({ tenantId, visitId: channel }, () => this.changed(channel)),
      };
      feed = created;
      this.feeds.set(channel, feed);
    }
    feed.followers.add(follower);
    void this.refresh(channel, [follower]);
    return () => {
      const f = this.feeds.get(channel);
      if (!f) return;
      f.followers.delete(follower);
      if (f.followers.size === 0) {
        if (f.timer) clearTimeout(f.timer);
        f.unsubscribe();
        this.feeds.delete(channel);
      }
    };
  }

  /** Tells every node following this queue that it changed (after the change committed). */
  announce(tenantId: number, key: QueueKey): void {
    this.bus.publish({ tenantId, visitId: queueChannel(tenantId, key) }, { k: 'changed' });
  }

  private changed(channel: string): void {
    const feed = this.feeds.get(channel);
    if (!feed || feed.timer) return;
    feed.timer = setTimeout(() => {
      feed.timer = null;
      void this.refresh(channel, [...feed.followers]);
    }, SETTLE_MS);
  }

  private async refresh(channel: string, followers: QueueFollower[]): Promise<void> {
    const feed = this.feeds.get(channel);
    if (!feed || followers.length === 0) return;
    try {
      const snapshot = await this.s.db.withTenant(feed.tenantId, (q) =>
        queueSnapshot(q, feed.tenantId, feed.key, this.s.now()),
      );
      for (const f of followers)
        f.onQueue({
          waiting: snapshot.waiting.length,
          place: f.visitId ? placeOf(snapshot, f.visitId) : null,
        });
    } catch (err) {
      this.onError(err);
    }
  }

  get size(): number {
    return this.feeds.size;
  }
}
