import { Coalescer, type CoalescerOptions, type Settled } from '../../../platform/batching/coalescer.js';
import { bookVisit, withAlternatives, type Booked, type BookRequest } from './book.js';
import { ALONE, bookMany, type BatchOutcome } from './book-many.js';
import type { BookingServices } from './services.js';

/**
 * Books concurrent `$book` requests of a tenant together (`bookMany`: one transaction and one
 * commit for many) when they arrive faster than they are written, and each at once otherwise.
 * Each request still gets its own answer: its Appointment, or its own 409 with alternatives, 404 or
 * 422. A batch that cannot be decided as a whole (a cap reached, a deadlock) writes nothing and its
 * requests are booked one at a time.
 */
export class BookingBatcher {
  private readonly coalescer: Coalescer<number, BookRequest, Booked>;

  constructor(
    private readonly s: BookingServices,
    opts: CoalescerOptions = {},
  ) {
    this.coalescer = new Coalescer((tenantId, reqs) => this.write(tenantId, reqs), {
      maxInFlight: 4,
      maxBatch: 32,
      minBatch: 4,
      lingerMs: 2,
      ...opts,
    });
  }

  book(tenantId: number, req: BookRequest): Promise<Booked> {
    return this.coalescer.submit(tenantId, req);
  }

  private abandoned = 0;

  /** Batches written, bookings in them, and batches that were booked one at a time instead. */
  stats(): { batches: number; items: number; abandoned: number } {
    return { ...this.coalescer.stats(), abandoned: this.abandoned };
  }

  private async write(tenantId: number, reqs: BookRequest[]): Promise<Settled<Booked>[]> {
    const alone = (req: BookRequest) => settle(bookVisit(this.s, tenantId, req));
    // Even one booking takes the batch path: it is fewer statements than the one-at-a-time path.
    const now = this.s.now();
    let outcomes: BatchOutcome[];
    try {
      outcomes = await bookMany(this.s, tenantId, reqs, now);
    } catch {
      this.abandoned++;
      outcomes = reqs.map(() => ALONE);
    }
    return Promise.all(
      outcomes.map(async (o, i): Promise<Settled<Booked>> => {
        const req = reqs[i] as BookRequest;
        if (o === ALONE) return alone(req);
        if (o.ok) return o;
        return { ok: false, error: await withAlternatives(this.s, tenantId, req, now, o.error) };
      }),
    );
  }
}

async function settle<R>(p: Promise<R>): Promise<Settled<R>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
