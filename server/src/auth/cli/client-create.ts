import fs from 'node:fs';
import { ClientStore, type ClientKind, type NewClient } from '../identity/client-store.js';
import { isValidRequestedScope } from '../policy/scopes.js';
import {
  checkKeyring,
  CommandError,
  listOption,
  requiredOption,
  stringOption,
  tenantId,
  UsageError,
  type OperatorCommand,
} from './common.js';

/** What a public or confidential (user-facing) app may ask for when `--scope` is not given. */
export const DEFAULT_INTERACTIVE_SCOPE =
  'openid fhirUser offline_access online_access launch launch/patient launch/encounter patient/*.cruds user/*.cruds';
/** What a backend service may ask for when `--scope` is not given: read and search, every type. */
export const DEFAULT_BACKEND_SCOPE = 'system/*.rs';

const KINDS: readonly ClientKind[] = ['public', 'confidential', 'backend'];
// As auth_client checks it.
const CLIENT_ID = /^[A-Za-z0-9._~-]{3,128}$/;
// Members of a JWK that only a private (or symmetric) key has.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

function redirectUri(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--redirect-uri ${text} is not an absolute URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '')
    throw new UsageError(`--redirect-uri ${text}: an http(s) URL without a #fragment is expected`);
  return text;
}

function jwksUri(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--jwks-uri ${text} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url)))
    throw new UsageError('--jwks-uri must be an https URL (http only on localhost)');
  return text;
}

/** A JWK Set (or one JWK) of public keys from a file. */
function readJwks(file: string): { keys: Record<string, unknown>[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommandError(
      `cannot read --jwks-file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CommandError(`--jwks-file ${file} is not JSON`);
  }
  const isJwk = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { kty?: unknown }).kty === 'string';
  const keys = isJwk(json) ? [json] : (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isJwk))
    throw new CommandError(`--jwks-file ${file} is not a JWK Set ({"keys": [{"kty": …}, …]})`);
  const secret = keys.findIndex((k) => PRIVATE_MEMBERS.some((m) => m in k));
  if (secret >= 0)
    throw new CommandError(
      `--jwks-file ${file}: key ${secret} holds private key material; register the public keys only`,
    );
  return { keys };
}

/** `openvisit client create`: registers an OAuth client (a SMART app or a backend service). */
export const clientCreate: OperatorCommand = {
  words: ['client', 'create'],
  usage:
    'client create --tenant <slug> --kind public|confidential|backend --name <name> ' +
    '[--redirect-uri <uri>]… [--jwks-file <path> | --jwks-uri <url>] [--scope "<scopes>"] [--client-id <id>]',
  options: {
    tenant: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'jwks-file': { type: 'string' },
    'jwks-uri': { type: 'string' },
    scope: { type: 'string' },
    'client-id': { type: 'string' },
  },
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
    const slug = requiredOption(values, 'tenant', 'slug');
    const kind = requiredOption(values, 'kind', 'public|confidential|backend') as ClientKind;
    if (!KINDS.includes(kind)) throw new UsageError('--kind must be public, confidential or backend');
    const name = requiredOption(values, 'name', 'name');
    const redirectUris = listOption(values, 'redirect-uri').map(redirectUri);
    const jwksFile = stringOption(values, 'jwks-file');
    const jwksUrl = stringOption(values, 'jwks-uri');
    if (jwksFile !== undefined && jwksUrl !== undefined)
      throw new UsageError('give either --jwks-file or --jwks-uri, not both');
    const hasKeys = jwksFile !== undefined || jwksUrl !== undefined;
    if (kind === 'public' && hasKeys)
      throw new UsageError(
        'a public client has no keys (it cannot keep a secret): drop --jwks-file/--jwks-uri',
      );
    if (kind === 'backend' && redirectUris.length > 0)
      throw new UsageError('a backend service signs in without a browser: drop --redirect-uri');
    const scope = (stringOption(values, 'scope') ?? '').trim().split(/\s+/).filter(Boolean).join(' ');
    const bad = scope.split(' ').filter((s) => s !== '' && !isValidRequestedScope(s));
    if (bad.length > 0) throw new UsageError(`--scope: not a valid scope: ${bad.join(' ')}`);
    if (stringOption(values, 'scope') !== undefined && scope === '') throw new UsageError('--scope is empty');
    const clientId = stringOption(values, 'client-id');
    if (clientId !== undefined && !CLIENT_ID.test(clientId))
      throw new UsageError('--client-id is 3-128 of A-Z a-z 0-9 . _ ~ -');

    if (kind === 'backend' && !hasKeys)
      throw new CommandError(
        'a backend service authenticates with a signed JWT: give its public keys with --jwks-file <path> or --jwks-uri <url>',
      );
    if (kind !== 'backend' && redirectUris.length === 0)
      throw new CommandError(`a ${kind} client needs at least one --redirect-uri`);

    const input: NewClient = {
      kind,
      name,
      scope: scope || (kind === 'backend' ? DEFAULT_BACKEND_SCOPE : DEFAULT_INTERACTIVE_SCOPE),
      ...(clientId !== undefined ? { clientId } : {}),
      ...(redirectUris.length > 0 ? { redirectUris } : {}),
      ...(jwksFile !== undefined ? { jwks: readJwks(jwksFile) } : {}),
      ...(jwksUrl !== undefined ? { jwksUri: jwksUri(jwksUrl) } : {}),
    };

    const { client, clientSecret } = await ctx.withDatabase(async (db) => {
      const tenant = await tenantId(db, slug);
      const envelope = ctx.envelope();
      await checkKeyring(db, envelope);
      const clients = new ClientStore(db, envelope);
      if (clientId !== undefined && (await clients.find(clientId)))
        throw new CommandError(`client_id "${clientId}" is already registered`);
      try {
        return await clients.create(tenant, input);
      } catch (err) {
        if (/already exists/.test((err as Error).message))
          throw new CommandError(`client_id "${clientId ?? ''}" is already registered`);
        throw err;
      }
    });

    const lines = [
      `Client registered in tenant ${slug}`,
      `  client_id      ${client.clientId}`,
      `  kind           ${client.kind} (${String(client.metadata.token_endpoint_auth_method)})`,
      `  name           ${name}`,
      `  scope          ${client.scope}`,
    ];
    if (redirectUris.length > 0) lines.push(`  redirect URIs  ${redirectUris.join(' ')}`);
    if (jwksUrl !== undefined) lines.push(`  jwks_uri       ${jwksUrl}`);
    if (input.jwks) lines.push(`  keys           ${input.jwks.keys.length} public key(s)`);
    if (clientSecret)
      lines.push(
        `  client_secret  ${clientSecret}`,
        'The client secret is shown only this once: store it in the app now; it cannot be shown again.',
      );
    ctx.io.out(lines.join('\n'));
  },
};
