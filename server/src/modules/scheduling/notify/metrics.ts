import { Counter, type Registry } from 'prom-client';
import { CHANNELS, KINDS, OUTCOMES, type NoticeEvent } from './types.js';

/**
 * `scheduling_notices_total{kind, channel, outcome}` on the app's registry; pass the result to the
 * worker as `onOutcome`. Labels are bounded enums: never a patient, booking or tenant.
 */
export function noticeMetrics(register: Registry): (e: NoticeEvent) => void {
  const counter = new Counter({
    name: 'scheduling_notices_total',
    help: 'Appointment notices by kind, channel and outcome (sent, skipped, failed, retry)',
    labelNames: ['kind', 'channel', 'outcome'] as const,
    registers: [register],
  });
  // Every series from the start at 0, so rates and alerts work before the first notice of a kind.
  for (const kind of KINDS)
    for (const channel of CHANNELS)
      for (const outcome of OUTCOMES) counter.inc({ kind, channel, outcome }, 0);
  return (e) => counter.inc({ kind: e.kind, channel: e.channel, outcome: e.outcome });
}
