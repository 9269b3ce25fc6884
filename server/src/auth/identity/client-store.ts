import crypto from 'node:crypto';
import type { Envelope } from '../../platform/crypto/envelope.js';
import type { Database } from '../../platform/db/pool.js';

export type ClientKind = 'public' | 'confidential' | 'backend';

export interface NewClient {
  kind: ClientKind;
  name: string;
  clientId?: string;
  /** public and confidential clients: where the authorization server may send the user back */
  redirectUris?: string[];
  /** backend clients (and confidential clients authenticating with private_key_jwt): public keys */
  jwks?: { keys: Record<string, unknown>[] };
  jwksUri?: string;
  /** The most the client may ask for; SMART scopes and `openid fhirUser launch …`. */
  scope: string;
  postLogoutRedirectUris?: string[];
}

export interface StoredClient {
  clientId: string;
  tenantId: number;
  kind: ClientKind;
  /** The most the client may be granted (SMART scopes are not oidc-provider metadata). */
  scope: string;
  /** oidc-provider client metadata */
  metadata: Record<string, unknown> & { client_id: string };
}

interface SealedClient {
  scope: string;
  metadata: StoredClient['metadata'];
}

const CACHE_MS = 30_000;

function metadataFor(
  input: NewClient,
  clientId: string,
  secret: string | undefined,
): StoredClient['metadata'] {
  const common = { client_id: clientId, client_name: input.name };
  if (input.kind === 'backend') {
    if (!input.jwks && !input.jwksUri)
      throw new Error('a backend-services client needs --jwks or --jwks-uri');
    return {
      ...common,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      ...(input.jwks ? { jwks: input.jwks } : { jwks_uri: input.jwksUri }),
    };
  }
  if (!input.redirectUris || input.redirectUris.length === 0)
    throw new Error('a public or confidential client needs at least one redirect URI');
  const interactive = {
    ...common,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: input.redirectUris,
    post_logout_redirect_uris: input.postLogoutRedirectUris ?? [],
  };
  if (input.kind === 'public') return { ...interactive, token_endpoint_auth_method: 'none' };
  if (input.jwks || input.jwksUri)
    return {
      ...interactive,
      token_endpoint_auth_method: 'private_key_jwt',
      ...(input.jwks ? { jwks: input.jwks } : { jwks_uri: input.jwksUri }),
    };
  return { ...interactive, token_endpoint_auth_method: 'client_secret_basic', client_secret: secret };
}

/**
 * The OAuth client directory (table auth_client). Each client belongs to one tenant; its metadata,
 * which may hold a client secret, is sealed. Lookups are cached briefly: the token endpoint reads the
 * client on every request.
 */
export class ClientStore {
  private readonly cache = new Map<string, { at: number; client: StoredClient | null }>();

  constructor(
    private readonly db: Database,
    private readonly envelope: Envelope,
  ) {}

  async create(tenantId: number, input: NewClient): Promise<{ client: StoredClient; clientSecret?: string }> {
    const clientId = input.clientId ?? `ov-${crypto.randomBytes(12).toString('base64url')}`;
    const secret =
      input.kind === 'confidential' && !input.jwks && !input.jwksUri
        ? crypto.randomBytes(32).toString('base64url')
        : undefined;
    const metadata = metadataFor(input, clientId, secret);
    const res = await this.db.global(
      `INSERT INTO auth_client (client_id, tenant_id, kind, metadata) VALUES ($1, $2, $3, $4)
       ON CONFLICT (client_id) DO NOTHING`,
      [
        clientId,
        tenantId,
        input.kind,
        this.envelope.seal(
          JSON.stringify({ scope: input.scope, metadata } satisfies SealedClient),
          context(clientId),
        ),
      ],
    );
    if (res.rowCount !== 1) throw new Error(`client ${clientId} already exists`);
    this.cache.delete(clientId);
    const client = { clientId, tenantId, kind: input.kind, scope: input.scope, metadata };
    return secret ? { client, clientSecret: secret } : { client };
  }

  async find(clientId: string): Promise<StoredClient | null> {
    const hit = this.cache.get(clientId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.client;
    const res = await this.db.global<{ tenant_id: number; kind: ClientKind; metadata: string }>(
      `SELECT tenant_id, kind, metadata FROM auth_client WHERE client_id = $1`,
      [clientId],
    );
    const row = res.rows[0];
    const sealed = row
      ? (JSON.parse(this.envelope.openText(row.metadata, context(clientId))) as SealedClient)
      : null;
    const client =
      row && sealed
        ? {
            clientId,
            tenantId: row.tenant_id,
            kind: row.kind,
            scope: sealed.scope,
            metadata: sealed.metadata,
          }
        : null;
    this.cache.set(clientId, { at: Date.now(), client });
    return client;
  }
}

function context(clientId: string): string {
  return `oauth-client:${clientId}`;
}
