import type { Logger } from 'pino';
import { sweepNoShows } from './booking/attendance.js';
import type { BookingServices } from './booking/services.js';
import { fillRate } from './fill-rate.js';
import { expireOffers } from './waitlist/offer.js';

/**
 * The scheduling chores that time drives, for every tenant: visits nobody checked in to become
 * no-shows after the grace, and waitlist offers past their time expire and pass on. Each item is
 * claimed with SKIP LOCKED in its own transaction, so sweepers on several nodes share the work.
 */
export class SchedulingSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly s: BookingServices,
    private readonly log?: Pick<Logger, 'error'>,
    /** Where each tenant's service lines' fill rate goes (the metrics gauge). */
    private readonly fill?: (tenant: string, serviceLine: string, rate: number) => void,
  ) {}

  async runOnce(): Promise<{ noShows: number; expiredOffers: number }> {
    const tenants = await this.s.db.global<{ id: number; slug: string }>(
      'SELECT id, slug FROM tenant ORDER BY id',
    );
    let noShows = 0;
    let expiredOffers = 0;
    for (const { id, slug } of tenants.rows) {
      noShows += await sweepNoShows(this.s, id);
      expiredOffers += await expireOffers(this.s, id);
      if (this.fill) await this.measureFill(id, slug, this.fill);
    }
    return { noShows, expiredOffers };
  }

  private async measureFill(tenantId: number, slug: string, fill: (t: string, l: string, r: number) => void) {
    await this.s.db.withTenant(tenantId, async (q) => {
      const clinicians = await this.s.config.clinicians(q, tenantId);
      for (const line of new Set(clinicians.flatMap((c) => c.serviceLines))) {
        const pool = clinicians.filter((c) => c.serviceLines.includes(line));
        fill(slug, line, await fillRate(q, tenantId, line, pool, this.s.now()));
      }
    });
  }

  start(intervalMs = 30_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.log?.error({ err: (err as Error).name }, 'scheduling sweep failed'))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
