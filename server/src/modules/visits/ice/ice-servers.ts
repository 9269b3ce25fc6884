import type { IceConfig } from './config.js';
import { turnCredentials } from './turn-credentials.js';

/** An entry of `RTCConfiguration.iceServers`, as the browser takes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/**
 * The ICE servers to give one participant: the STUN servers, and the TURN servers with credentials
 * of their own (`userId` is an opaque id, see `turnCredentials`) valid from `now` (ms) for the
 * configured lifetime. Issued per join and per ICE restart, never cached across users.
 */
export function iceServers(config: IceConfig, userId: string, now: number): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length > 0) {
    if (config.turnSecret === undefined)
      throw new Error('TURN servers are configured without a shared secret');
    const { username, credential } = turnCredentials(config.turnSecret, userId, config.turnTtlSeconds, now);
    servers.push({ urls: [...config.turnUrls], username, credential });
  }
  return servers;
}
