import { Counter, Gauge, type Registry } from 'prom-client';
import type { SchedulingCounters } from './booking/services.js';

type SchedulingEvent = Parameters<SchedulingCounters['count']>[0];

const EVENTS: readonly SchedulingEvent[] = [
  'booked',
  'cancelled',
  'rescheduled',
  'noshow',
  'conflict',
  'waitlist-offered',
  'waitlist-booked',
  'waitlist-expired',
];

export interface SchedulingMetrics extends SchedulingCounters {
  /** Share of the next week's working time of a tenant's service line that is booked (0–1). */
  setFillRate(tenant: string, serviceLine: string, rate: number): void;
}

/**
 * `scheduling_events_total{event, service_line}` (bookings, cancellations, reschedules, no-shows,
 * lost races, waitlist offers / conversions / expiries) and `scheduling_fill_ratio{tenant, service_line}`.
 * The tenant's slug and the service line's code (`primary-care`) are configuration, never a
 * patient or a clinician.
 */
export function schedulingMetrics(register: Registry): SchedulingMetrics {
  const events = new Counter({
    name: 'scheduling_events_total',
    help: 'Scheduling events by kind and service line (waitlist conversion = waitlist-booked / waitlist-offered)',
    labelNames: ['event', 'service_line'] as const,
    registers: [register],
  });
  const fill = new Gauge({
    name: 'scheduling_fill_ratio',
    help: "Booked share of the next 7 days' bookable time, by service line",
    labelNames: ['tenant', 'service_line'] as const,
    registers: [register],
  });
  const known = new Set<string>();
  return {
    count(event, serviceLine) {
      // A new line's series start at 0, so rates work from its first event on.
      if (!known.has(serviceLine)) {
        known.add(serviceLine);
        for (const e of EVENTS) events.inc({ event: e, service_line: serviceLine }, 0);
      }
      events.inc({ event, service_line: serviceLine });
    },
    setFillRate(tenant, serviceLine, rate) {
      fill.set({ tenant, service_line: serviceLine }, rate);
    },
  };
}
