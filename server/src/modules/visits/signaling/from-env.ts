import { InProcessSignalBus } from './in-process-bus.js';
import { NatsSignalBus, type NatsSignalBusOptions } from './nats-bus.js';
import { parseNatsUrl } from './nats-url.js';
import type { SignalBus, SignalBusLogger } from './types.js';

export interface SignalBusDeps {
  logger?: SignalBusLogger;
  nodeId?: string;
  /** Test and tuning knobs for the NATS bus (backoff, ping interval, timeouts). */
  nats?: Omit<NatsSignalBusOptions, 'servers' | 'user' | 'pass' | 'token' | 'tls' | 'logger' | 'nodeId'>;
}

/**
 * NATS when `NATS_URL` is set (the nodes of a cluster relay through it), otherwise in-process (one
 * node holds every participant). Rejects when NATS is set but cannot be reached at start: a node
 * that cannot reach its peers should not take visits.
 */
export async function signalBusFromEnv(env: NodeJS.ProcessEnv, deps: SignalBusDeps = {}): Promise<SignalBus> {
  const url = env.NATS_URL?.trim();
  if (!url) return new InProcessSignalBus({ logger: deps.logger, nodeId: deps.nodeId });
  const settings = parseNatsUrl(url);
  const bus = await NatsSignalBus.connect({
    ...deps.nats,
    ...settings,
    logger: deps.logger,
    nodeId: deps.nodeId,
  });
  deps.logger?.info({ nodeId: bus.nodeId, servers: settings.servers.length }, 'signaling over NATS');
  return bus;
}
