import type { Database } from '../../../platform/db/pool.js';
import { safeError } from '../../../platform/observability/logger.js';
import { composeEmail, composeSms } from './compose.js';
import type { EmailSender } from './email/sender.js';
import { errorCode, SendError } from './errors.js';
import { sendToken } from './keys.js';
import { readPatientContact } from './patient.js';
import { loadBooking, loadOffer, staleReason } from './relevance.js';
import type { SmsProvider } from './sms/provider.js';
import { claimDue, finishNotice, renewLease, type ClaimedNotice, type Finish } from './store.js';
import type { Channel, NoticeEvent, NoticeKind, NoticeOutcome } from './types.js';

/**
 * Where the worker reports (the platform's pino logger fits): notice ids, channels and codes only,
 * and errors reduced by `safeError` to class, code and stack frames, whatever logger is passed.
 */
export interface NoticeLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NotificationWorkerOptions {
  db: Database;
  /** Public base URL of the portal, e.g. `https://visit.example.org`. */
  baseUrl: string;
  /** The zone of patients who recorded none. */
  defaultTimeZone: string;
  /** Absent: e-mail notices are marked skipped (`channel-not-configured`). */
  email?: EmailSender;
  /** Absent: SMS notices are marked skipped (`channel-not-configured`). */
  sms?: SmsProvider;
  /** Notices claimed per database round (default 20). */
  batchSize?: number;
  /** How long a claim is exclusive (default 2 minutes); senders' timeouts must stay well below it. */
  leaseMs?: number;
  /** Attempts before a notice is marked failed (default 5). */
  maxAttempts?: number;
  /** Wait before attempt `attempt + 1` after attempt `attempt` failed (default 1, 2, 4 … min, ≤ 1 h). */
  retryDelayMs?: (attempt: number) => number;
  /** Tests only: a fixed clock. By default every time is the database's (one clock for all nodes). */
  clock?: () => Date;
  log?: NoticeLog;
  /** Called once per final outcome of a claim (and per retry); for metrics. */
  onOutcome?: (e: NoticeEvent) => void;
}

export interface NoticeCount extends NoticeEvent {
  count: number;
}

type Prepared =
  | { lost: true }
  | { skip: string }
  | { email: ReturnType<typeof composeEmail>; to: string }
  | { sms: string; to: string };

const defaultRetryDelay = (attempt: number) => Math.min(60_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);

/**
 * Sends due notices. Each round claims a batch across tenants and commits the claim, then for each
 * notice: renews its lease and re-reads the booking and the Patient in the notice's tenant, sends,
 * and records the outcome (sent / skipped / back to pending with backoff / failed). Delivery is at
 * least once and made duplicate-free where the provider can be told the send token (SMS); see
 * README.md for the argument and the one window SMTP leaves.
 */
export class NotificationWorker {
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelay: (attempt: number) => number;
  private readonly counts = new Map<string, NoticeCount>();
  private readonly warned = new Set<Channel>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: NotificationWorkerOptions) {
    this.batchSize = opts.batchSize ?? 20;
    this.leaseMs = opts.leaseMs ?? 120_000;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.retryDelay = opts.retryDelayMs ?? defaultRetryDelay;
  }

  /** Polls every `intervalMs`; the timer does not keep the process alive. */
  start(intervalMs = 15_000): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Run a pass now; calls during a pass coalesce into one more pass. */
  kick(): void {
    if (this.stopped) return;
    this.again = true;
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Stops polling and waits for the batch in flight: its notices are recorded before this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }

  /** Claims and handles one batch; returns how many notices it claimed. */
  async runOnce(): Promise<number> {
    const claimed = await claimDue(this.opts.db, {
      now: this.clockNow(),
      limit: this.batchSize,
      leaseMs: this.leaseMs,
    });
    // One at a time: notices are few, and each send renews its own lease first.
    for (const n of claimed) await this.handle(n);
    return claimed.length;
  }

  /** Every batch until none is full. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      total += n;
      if (n < this.batchSize || this.stopped) return total;
    }
  }

  /** Outcomes so far by kind, channel and outcome (the only labels metrics may use). */
  outcomes(): NoticeCount[] {
    return [...this.counts.values()].map((c) => ({ ...c }));
  }

  private async loop(): Promise<void> {
    while (this.again && !this.stopped) {
      this.again = false;
      try {
        await this.drain();
      } catch (err) {
        // Claimed rows stay leased and are taken again when the lease ends.
        this.opts.log?.error({ err: safeError(err) }, 'notification batch failed');
        return;
      }
    }
  }

  private clockNow(): Date | null {
    return this.opts.clock ? this.opts.clock() : null;
  }

  private async handle(n: ClaimedNotice): Promise<void> {
    try {
      if (n.attempts > this.maxAttempts) {
        // Claimed this often without an outcome: the process dies on it every time.
        await this.finish(n, { status: 'failed', code: 'too-many-attempts' });
        return;
      }
      const channelReady = n.channel === 'email' ? this.opts.email : this.opts.sms;
      if (!channelReady) {
        if (!this.warned.has(n.channel)) {
          this.warned.add(n.channel);
          this.opts.log?.warn(
            { channel: n.channel },
            'notification channel not configured; its notices are skipped',
          );
        }
        await this.finish(n, { status: 'skipped', code: 'channel-not-configured' });
        return;
      }
      const prepared = await this.prepare(n);
      if ('lost' in prepared) return;
      if ('skip' in prepared) {
        await this.finish(n, { status: 'skipped', code: prepared.skip });
        return;
      }
      await this.send(n, prepared);
    } catch (err) {
      // A database error: the row stays 'sending' and is claimed again once its lease ends.
      this.opts.log?.error({ err: safeError(err), noticeId: n.id }, 'notification could not be processed');
    }
  }

  /** Renews the lease and reads what the message needs, in the notice's tenant. */
  private async prepare(n: ClaimedNotice): Promise<Prepared> {
    return this.opts.db.transaction(n.tenantId, async (q): Promise<Prepared> => {
      const now = await renewLease(q, n, { now: this.clockNow(), leaseMs: this.leaseMs });
      if (!now) return { lost: true };
      const booking = n.bookingId ? await loadBooking(q, n.tenantId, n.bookingId) : undefined;
      const offer = n.offerId ? await loadOffer(q, n.tenantId, n.offerId) : undefined;
      const stale = staleReason(n, booking, offer, now);
      if (stale || !booking) return { skip: stale ?? 'booking-gone' };
      const contact = await readPatientContact(q, n.tenantId, n.patientId, this.opts.defaultTimeZone);
      if (!contact) return { skip: 'patient-gone' };
      const address = n.channel === 'email' ? contact.email : contact.mobile;
      if (!address) return { skip: 'no-address' };
      if (!contact.channels.includes(n.channel)) return { skip: 'opted-out' };
      if (n.channel === 'sms')
        return { to: address, sms: composeSms(n, booking, offer, contact, this.opts.baseUrl) };
      const organizer = this.opts.email?.fromAddress ?? '';
      return {
        to: address,
        email: composeEmail(n, booking, offer, contact, { baseUrl: this.opts.baseUrl, organizer, now }),
      };
    });
  }

  private async send(
    n: ClaimedNotice,
    p: Exclude<Prepared, { lost: true } | { skip: string }>,
  ): Promise<void> {
    // The same token on every attempt and every worker: the provider's idempotency key, the Message-ID.
    const idempotencyKey = sendToken(n.tenantId, n.key);
    const { email, sms } = this.opts;
    let messageId: string;
    try {
      if ('email' in p && email) ({ messageId } = await email.send({ to: p.to, ...p.email, idempotencyKey }));
      else if ('sms' in p && sms) ({ messageId } = await sms.send({ to: p.to, body: p.sms, idempotencyKey }));
      else throw new SendError('channel-not-configured', true);
    } catch (err) {
      const code = errorCode(err);
      if (!(err instanceof SendError))
        this.opts.log?.error({ err: safeError(err), noticeId: n.id }, 'notification sender failed');
      const permanent = err instanceof SendError && err.permanent;
      if (permanent || n.attempts >= this.maxAttempts) await this.finish(n, { status: 'failed', code });
      else await this.finish(n, { status: 'pending', code, retryInMs: this.retryDelay(n.attempts) });
      return;
    }
    await this.finish(n, { status: 'sent', providerMessageId: messageId });
  }

  private async finish(n: ClaimedNotice, f: Finish): Promise<void> {
    const recorded = await finishNotice(this.opts.db, n, f, this.clockNow());
    if (!recorded) {
      // Our lease ran out and another worker took the notice over: its outcome is the one that counts.
      this.opts.log?.info({ noticeId: n.id }, 'notification lease lost');
      return;
    }
    const outcome: NoticeOutcome = f.status === 'pending' ? 'retry' : f.status;
    if (f.status !== 'sent')
      this.opts.log?.info({ noticeId: n.id, code: f.code, outcome }, 'notification not sent');
    this.count(n.kind, n.channel, outcome);
  }

  private count(kind: NoticeKind, channel: Channel, outcome: NoticeOutcome): void {
    const key = `${kind}|${channel}|${outcome}`;
    const c = this.counts.get(key) ?? { kind, channel, outcome, count: 0 };
    c.count++;
    this.counts.set(key, c);
    this.opts.onOutcome?.({ kind, channel, outcome });
  }
}
