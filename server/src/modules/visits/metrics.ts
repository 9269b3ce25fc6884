import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the visit code counts; labels are kinds and codes, never people or visits. */
export interface VisitMetrics {
  joinAttempt(role: string): void;
  /** The first decoded frame (or audio, for audio-only) after a join: the media is set up. */
  mediaReady(role: string, setupSeconds: number): void;
  mediaFailed(role: string): void;
  waited(seconds: number): void;
  finished(seconds: number): void;
  reconnected(): void;
  modalitySwitch(to: string, trigger: 'user' | 'automatic'): void;
  mos(value: number): void;
  connectionOpened(): void;
  connectionClosed(): void;
}

/**
 * `/metrics`: join success rate = `visit_media_ready_total / visit_join_attempts_total`; media set-up
 * time (join to first decoded frame), waiting time, visit duration, reconnects, modality switches,
 * MOS distribution, and the visits in progress and sockets open on this node.
 */
export function visitMetrics(register: Registry, inProgress: () => number): VisitMetrics {
  const joins = new Counter({
    name: 'visit_join_attempts_total',
    help: 'Joins asked for (POST /api/visits/{id}/join), by participant kind',
    labelNames: ['role'] as const,
    registers: [register],
  });
  const ready = new Counter({
    name: 'visit_media_ready_total',
    help: 'Joins whose media started (first frame decoded), by participant kind',
    labelNames: ['role'] as const,
    registers: [register],
  });
  const failed = new Counter({
    name: 'visit_media_failed_total',
    help: 'Joins whose media did not start, by participant kind',
    labelNames: ['role'] as const,
    registers: [register],
  });
  const setup = new Histogram({
    name: 'visit_media_setup_seconds',
    help: 'From joining the call to the first decoded frame',
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 20, 30],
    registers: [register],
  });
  const wait = new Histogram({
    name: 'visit_wait_seconds',
    help: 'From check-in to admission',
    buckets: [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600],
    registers: [register],
  });
  const duration = new Histogram({
    name: 'visit_duration_seconds',
    help: 'From admission to the end of the visit',
    buckets: [60, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 5400],
    registers: [register],
  });
  const reconnects = new Counter({
    name: 'visit_reconnects_total',
    help: 'Sockets resumed after a drop (same participant, no new admission)',
    registers: [register],
  });
  const switches = new Counter({
    name: 'visit_modality_switches_total',
    help: 'Changes of modality during visits, by the new modality and what triggered it',
    labelNames: ['to', 'trigger'] as const,
    registers: [register],
  });
  const mos = new Histogram({
    name: 'visit_mos',
    help: 'MOS estimates (ITU-T G.107 E-model) from the clients’ quality reports',
    buckets: [1.5, 2, 2.5, 2.8, 3.1, 3.4, 3.6, 3.8, 4, 4.2, 4.4],
    registers: [register],
  });
  let sockets = 0;
  new Gauge({
    name: 'visit_connections',
    help: 'Visit and waiting-room WebSockets open on this node',
    registers: [register],
    collect() {
      this.set(sockets);
    },
  });
  new Gauge({
    name: 'visits_in_progress',
    help: 'Visits with a participant connected to this node',
    registers: [register],
    collect() {
      this.set(inProgress());
    },
  });
  return {
    joinAttempt: (role) => joins.inc({ role }),
    mediaReady: (role, seconds) => {
      ready.inc({ role });
      setup.observe(seconds);
    },
    mediaFailed: (role) => failed.inc({ role }),
    waited: (seconds) => wait.observe(seconds),
    finished: (seconds) => duration.observe(seconds),
    reconnected: () => reconnects.inc(),
    modalitySwitch: (to, trigger) => switches.inc({ to, trigger }),
    mos: (value) => mos.observe(value),
    connectionOpened: () => void sockets++,
    connectionClosed: () => void sockets--,
  };
}
