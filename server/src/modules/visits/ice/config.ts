/** Where browsers find STUN and TURN, and how TURN credentials are made. */
export interface IceConfig {
  /** `stun:` / `stuns:` URLs (RFC 7064); no credentials. */
  stunUrls: string[];
  /** `turn:` / `turns:` URLs (RFC 7065) of coturn servers sharing `turnSecret`. */
  turnUrls: string[];
  /** coturn's `static-auth-secret`; set exactly when `turnUrls` is not empty. */
  turnSecret: string | undefined;
  /** How long issued TURN credentials may be used to make an allocation. */
  turnTtlSeconds: number;
  /**
   * `relay`: browsers use TURN relays only (`RTCConfiguration.iceTransportPolicy`), so neither side
   * learns the other's IP addresses; `all` (the default) lets them connect directly.
   */
  transportPolicy?: 'all' | 'relay';
}

/** An hour: a visit's join and its ICE restarts fetch fresh credentials; a leaked one soon stops working. */
export const DEFAULT_TURN_TTL_SECONDS = 3600;
/** Below a minute clock skew between OpenVisit and coturn could reject credentials as just issued. */
export const MIN_TURN_TTL_SECONDS = 60;
/** Above a day the credentials are no longer short-lived: anyone holding them may relay through coturn. */
export const MAX_TURN_TTL_SECONDS = 86_400;
/** Shorter secrets could be guessed offline from one username and its credential. */
export const MIN_TURN_SECRET_LENGTH = 16;

const HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)`;
const PORT = String.raw`(?::(\d{1,5}))?`;
const STUN_URL = new RegExp(`^stuns?:${HOST}${PORT}$`);
const TURN_URL = new RegExp(`^turns?:${HOST}${PORT}(?:\\?transport=(?:udp|tcp))?$`);

/**
 * Reads the ICE settings: `STUN_URLS` and `TURN_URLS` (comma-separated), `TURN_SECRET` (coturn's
 * `static-auth-secret`), `TURN_TTL_SECONDS` and `ICE_TRANSPORT_POLICY` (`all`, the default, or
 * `relay`). With none set browsers get no ICE servers and connect directly (enough on one
 * network). Errors name the variable and never echo `TURN_SECRET`.
 */
export function iceConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IceConfig {
  const stunUrls = urls(env.STUN_URLS, 'STUN_URLS', STUN_URL, 'stun:host[:port] or stuns:host[:port]');
  const turnUrls = urls(
    env.TURN_URLS,
    'TURN_URLS',
    TURN_URL,
    'turn:host[:port][?transport=udp|tcp] or turns:host[:port][?transport=tcp]',
  );
  const turnSecret = env.TURN_SECRET === undefined || env.TURN_SECRET === '' ? undefined : env.TURN_SECRET;
  if (turnUrls.length > 0 && turnSecret === undefined)
    throw new Error("TURN_SECRET must be set when TURN_URLS is set (coturn's static-auth-secret)");
  if (turnUrls.length === 0 && turnSecret !== undefined)
    throw new Error('TURN_URLS must be set when TURN_SECRET is set');
  if (
    turnSecret !== undefined &&
    (turnSecret.length < MIN_TURN_SECRET_LENGTH || turnSecret.trim() !== turnSecret)
  )
    throw new Error(
      `TURN_SECRET must be at least ${MIN_TURN_SECRET_LENGTH} characters, without surrounding spaces`,
    );
  const policy = (env.ICE_TRANSPORT_POLICY ?? '').trim() || 'all';
  if (policy !== 'all' && policy !== 'relay') throw new Error('ICE_TRANSPORT_POLICY must be all or relay');
  if (policy === 'relay' && turnUrls.length === 0)
    throw new Error('ICE_TRANSPORT_POLICY=relay needs TURN_URLS: without a relay no call can connect');
  return {
    stunUrls,
    turnUrls,
    turnSecret,
    turnTtlSeconds: ttl(env.TURN_TTL_SECONDS),
    ...(policy === 'relay' ? { transportPolicy: 'relay' as const } : {}),
  };
}

/** A comma-separated list of URLs of one kind, each checked against its syntax. */
function urls(value: string | undefined, name: string, syntax: RegExp, expected: string): string[] {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const [i, url] of list.entries()) {
    // Not echoed: user info in a URL is likely a password, and errors end up in logs.
    if (url.includes('@'))
      throw new Error(
        `${name} entry ${i + 1} has user info; TURN credentials come from TURN_SECRET, not URLs`,
      );
    const match = syntax.exec(url);
    const port = match?.[1];
    if (!match || (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)))
      throw new Error(`${name} has "${url}"; each entry must be ${expected}`);
    // `turns:` over UDP means TURN over DTLS, which browsers do not speak: such an entry never works.
    if (url.startsWith('turns:') && url.endsWith('?transport=udp'))
      throw new Error(`${name} has "${url}"; turns: URLs use TCP (transport=tcp or none)`);
  }
  return [...new Set(list)];
}

function ttl(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_TURN_TTL_SECONDS;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < MIN_TURN_TTL_SECONDS || n > MAX_TURN_TTL_SECONDS)
    throw new Error(
      `TURN_TTL_SECONDS must be a whole number of seconds from ${MIN_TURN_TTL_SECONDS} to ${MAX_TURN_TTL_SECONDS}`,
    );
  return n;
}
