import { JanusMediaProvider, type JanusProviderOptions, type MediaLogger } from './janus-provider.js';
import type { MediaProvider } from './provider.js';
import { MIN_ROOM_KEY_LENGTH } from './room-credentials.js';

/** What callers say when `mediaProviderFromEnv` returned nothing. */
export const MULTI_PARTY_UNAVAILABLE =
  'multi-party visits are unavailable: no media server is configured (set JANUS_URL)';

export interface MediaProviderDeps {
  logger?: MediaLogger;
  /** Tuning and test knobs of the Janus provider (timeouts, keepalive, backoff). */
  janus?: Omit<JanusProviderOptions, 'url' | 'apiSecret' | 'roomKey' | 'logger'>;
}

/**
 * The media provider of multi-party visits, from the environment:
 * - `JANUS_URL`: Janus's WebSocket API, `ws://` or `wss://` (e.g. `ws://127.0.0.1:8188`). Unset,
 *   there is no provider (`undefined`): 1:1 visits still work, multi-party ones do not, and callers
 *   say so with `MULTI_PARTY_UNAVAILABLE`.
 * - `JANUS_API_SECRET`: Janus's `api_secret`, optional (but set it: only the servers may drive Janus).
 * - `JANUS_ROOM_KEY`: at least 32 characters, the same on every node; room ids, secrets and PINs
 *   are derived from it. Optional with one node; without it each process draws its own.
 *
 * Nothing connects here: the provider connects on first use. Errors name the variable and never
 * echo its value.
 */
export function mediaProviderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  deps: MediaProviderDeps = {},
): MediaProvider | undefined {
  const url = nonEmpty(env.JANUS_URL);
  const apiSecret = nonEmpty(env.JANUS_API_SECRET);
  const roomKey = nonEmpty(env.JANUS_ROOM_KEY);
  if (url === undefined) {
    if (apiSecret !== undefined || roomKey !== undefined)
      throw new Error('JANUS_URL must be set when JANUS_API_SECRET or JANUS_ROOM_KEY is set');
    return undefined;
  }
  checkUrl(url);
  if (apiSecret !== undefined && apiSecret.trim() !== apiSecret)
    throw new Error('JANUS_API_SECRET must not have surrounding spaces');
  if (roomKey !== undefined && (roomKey.length < MIN_ROOM_KEY_LENGTH || roomKey.trim() !== roomKey))
    throw new Error(
      `JANUS_ROOM_KEY must be at least ${MIN_ROOM_KEY_LENGTH} characters, without surrounding spaces`,
    );
  return new JanusMediaProvider({
    ...deps.janus,
    url,
    ...(apiSecret !== undefined ? { apiSecret } : {}),
    ...(roomKey !== undefined ? { roomKey } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function checkUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error('JANUS_URL is not a URL (expected ws://host:port or wss://host:port)');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new Error('JANUS_URL must be a ws:// or wss:// URL (Janus WebSocket transport)');
  if (url.username !== '' || url.password !== '')
    throw new Error('JANUS_URL must not carry credentials: put the API secret in JANUS_API_SECRET');
  if (url.search !== '' || url.hash !== '') throw new Error('JANUS_URL must not have a query or fragment');
}
