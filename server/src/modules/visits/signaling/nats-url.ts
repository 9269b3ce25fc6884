/**
 * Reads `NATS_URL`: one or more comma-separated URLs (`nats://host:4222,nats://other:4222`). The
 * nats client drops any credentials and the scheme from a server URL, so they are taken out here:
 * `user:pass@` becomes user/password auth, a lone `token@` token auth, and `tls://` asks for TLS.
 */
export interface NatsServerSettings {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  tls: boolean;
}

export function parseNatsUrl(value: string): NatsServerSettings {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new Error('NATS_URL has no server');
  const settings: NatsServerSettings = { servers: [], tls: false };
  for (const part of parts) {
    let url: URL;
    try {
      url = new URL(part.includes('://') ? part : `nats://${part}`);
    } catch {
      // Not echoed: the value may carry a password.
      throw new Error('NATS_URL is not a list of URLs');
    }
    if (!['nats:', 'tls:'].includes(url.protocol)) throw new Error('NATS_URL must use nats:// or tls://');
    if (url.protocol === 'tls:') settings.tls = true;
    if (url.username) {
      const user = decodeURIComponent(url.username);
      const pass = url.password ? decodeURIComponent(url.password) : undefined;
      if (pass === undefined) settings.token = user;
      else Object.assign(settings, { user, pass });
    }
    settings.servers.push(`${url.hostname}:${url.port || '4222'}`);
  }
  return settings;
}
