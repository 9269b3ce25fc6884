export type {
  SignalBody,
  SignalBus,
  SignalBusLogger,
  SignalBusStatus,
  SignalHandler,
  SignalMessage,
  VisitRef,
} from './types.js';
export { InProcessSignalBus } from './in-process-bus.js';
export { NatsSignalBus } from './nats-bus.js';
export { signalBusFromEnv } from './from-env.js';
export { SequenceTracker, type SequenceCheck } from './gap-detector.js';
export { visitSubject } from './visit-subject.js';
