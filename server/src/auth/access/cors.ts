import type { Database } from '../../platform/db/pool.js';
import type { ClientStore } from '../identity/client-store.js';

const REFRESH_MS = 30_000;

/**
 * Which browser origins may call the API: those configured (CORS_ORIGINS), and those of registered
 * apps' redirect URIs — a SMART app calls the FHIR server from the origin it was registered for.
 */
export class CorsPolicy {
  private origins = new Set<string>();
  private at = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly clients: ClientStore,
    private readonly configured: readonly string[],
  ) {}

  async allows(origin: string): Promise<boolean> {
    if (this.configured.includes(origin)) return true;
    if (Date.now() - this.at > REFRESH_MS)
      await (this.loading ??= this.load().finally(() => (this.loading = undefined)));
    return this.origins.has(origin);
  }

  private async load(): Promise<void> {
    const res = await this.db.global<{ client_id: string }>(
      `SELECT client_id FROM auth_client WHERE kind <> 'backend'`,
    );
    const next = new Set<string>();
    for (const { client_id } of res.rows) {
      const client = await this.clients.find(client_id);
      for (const uri of (client?.metadata.redirect_uris as string[] | undefined) ?? [])
        if (URL.canParse(uri)) next.add(new URL(uri).origin);
    }
    this.origins = next;
    this.at = Date.now();
  }
}
