/**
 * SMART App Launch 2.0 scopes (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html):
 * what a token's `scope` says the client may do. Scopes only ever narrow what the user's roles allow;
 * the two are checked together by the access policy.
 *
 * Both syntaxes are read, because apps written for SMART 1 still ask for `.read`/`.write`:
 * - v2: `<context>/<type|*>.<cruds>[?<query>]`, the letters a non-empty subsequence of `cruds` in that
 *   order (`rs`, never `sr`), with an optional granular query (`patient/Observation.rs?category=…`);
 * - v1: `<context>/<type|*>.read` (= `rs`), `.write` (= `cud`), `.*` (= `cruds`), no query.
 */

export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeContext = 'patient' | 'user' | 'system';

export const INTERACTIONS: readonly Interaction[] = ['c', 'r', 'u', 'd', 's'];
export const SCOPE_CONTEXTS: readonly ScopeContext[] = ['patient', 'user', 'system'];

export interface ResourceScope {
  /** `patient`: the launch patient's data; `user`: what the user may see; `system`: a backend service. */
  context: ScopeContext;
  /** A resource type name, or `*` for every type. */
  resourceType: string;
  interactions: ReadonlySet<Interaction>;
  /**
   * Granular-scope restriction as decoded `[name, value]` pairs, in order; empty when unrestricted.
   * A resource is covered when it matches every pair (the caller evaluates them as a search).
   */
  query: [string, string][];
  /** The scope exactly as written, for echoing it back and for audit. */
  text: string;
}

export interface ParsedScopes {
  resource: ResourceScope[];
  launch: boolean;
  launchPatient: boolean;
  launchEncounter: boolean;
  openid: boolean;
  fhirUser: boolean;
  offlineAccess: boolean;
  onlineAccess: boolean;
  /** Everything else, in order (OIDC `profile`, scopes of other APIs…); they grant no FHIR access. */
  other: string[];
}

const V1_INTERACTIONS: Readonly<Record<string, readonly Interaction[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

// Context and type are checked here; the part after the dot is read by `interactionsOf`. Type names
// are checked for shape only (R4 names are letters, capitalised): which types exist is the FHIR
// layer's business, and this file stays free of I/O.
const RESOURCE_SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]*)\.([a-z*]+)(?:\?(.*))?$/;
// Each letter at most once, in the order c r u d s.
const V2_LETTERS = /^c?r?u?d?s?$/;
// RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const LAUNCH_SCOPES = ['launch', 'launch/patient', 'launch/encounter'] as const;
const IDENTITY_SCOPES = ['openid', 'fhirUser'] as const;
const REFRESH_SCOPES = ['offline_access', 'online_access'] as const;
const KNOWN_NON_RESOURCE: ReadonlySet<string> = new Set([
  ...LAUNCH_SCOPES,
  ...IDENTITY_SCOPES,
  ...REFRESH_SCOPES,
]);

/**
 * What the server advertises in `scopes_supported` (.well-known/smart-configuration). Wildcard forms
 * only: any narrower scope (one type, fewer letters, a granular query) is supported too, and the spec
 * does not expect servers to enumerate them.
 */
export const SUPPORTED_SCOPES: readonly string[] = [
  ...LAUNCH_SCOPES,
  ...IDENTITY_SCOPES,
  ...REFRESH_SCOPES,
  ...(['cruds', 'rs', 'read', 'write'] as const).flatMap((letters) =>
    SCOPE_CONTEXTS.map((context) => `${context}/*.${letters}`),
  ),
];

function interactionsOf(letters: string, hasQuery: boolean): Interaction[] | null {
  const v1 = Object.hasOwn(V1_INTERACTIONS, letters) ? V1_INTERACTIONS[letters] : undefined;
  // Granular queries are a v2 feature; a v1 scope with one is malformed.
  if (v1) return hasQuery ? null : [...v1];
  if (letters === '' || !V2_LETTERS.test(letters)) return null;
  return [...letters] as Interaction[];
}

/** `name=value&name=value`, percent-decoded; null when any part is empty or undecodable. */
function parseQuery(query: string): [string, string][] | null {
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) return null;
    try {
      // `+` stays a plus, not a space: in a scope it shows up in time-zone offsets (`+01:00`).
      pairs.push([decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))]);
    } catch {
      return null;
    }
  }
  return pairs;
}

/**
 * One resource scope, or null for anything else: non-resource scopes (`openid`, `launch/patient`…)
 * and malformed ones alike. Never throws, since it reads client input.
 */
export function parseScope(text: string): ResourceScope | null {
  if (typeof text !== 'string' || !SCOPE_TOKEN.test(text)) return null;
  const m = RESOURCE_SCOPE.exec(text);
  if (!m) return null;
  const [, context, resourceType, letters, rawQuery] = m;
  if (context === undefined || resourceType === undefined || letters === undefined) return null;
  const interactions = interactionsOf(letters, rawQuery !== undefined);
  if (!interactions) return null;
  const query = rawQuery === undefined ? [] : parseQuery(rawQuery);
  if (!query) return null;
  return {
    context: context as ScopeContext,
    resourceType,
    interactions: new Set(interactions),
    query,
    text,
  };
}

/** A space-separated `scope` value (as granted to a token) sorted into what it means. */
export function parseScopes(scopeString: string): ParsedScopes {
  const parsed: ParsedScopes = {
    resource: [],
    launch: false,
    launchPatient: false,
    launchEncounter: false,
    openid: false,
    fhirUser: false,
    offlineAccess: false,
    onlineAccess: false,
    other: [],
  };
  const seen = new Set<string>();
  for (const token of (typeof scopeString === 'string' ? scopeString : '').split(/\s+/)) {
    if (token === '' || seen.has(token)) continue;
    seen.add(token);
    const resource = parseScope(token);
    if (resource) {
      parsed.resource.push(resource);
      continue;
    }
    switch (token) {
      case 'launch':
        parsed.launch = true;
        break;
      case 'launch/patient':
        parsed.launchPatient = true;
        break;
      case 'launch/encounter':
        parsed.launchEncounter = true;
        break;
      case 'openid':
        parsed.openid = true;
        break;
      case 'fhirUser':
        parsed.fhirUser = true;
        break;
      case 'offline_access':
        parsed.offlineAccess = true;
        break;
      case 'online_access':
        parsed.onlineAccess = true;
        break;
      default:
        parsed.other.push(token);
    }
  }
  return parsed;
}

/**
 * The scopes that grant `interaction` on `resourceType` (`*` scopes grant every type), optionally
 * only those of the given context(s). Empty means denied. When every returned scope has a query, the
 * grant is restricted: the resource must match the query of at least one of them; one scope without a
 * query makes the grant unrestricted.
 */
export function scopesAllow(
  scopes: readonly ResourceScope[],
  context: ScopeContext | readonly ScopeContext[] | undefined,
  resourceType: string,
  interaction: Interaction,
): ResourceScope[] {
  const contexts = context === undefined ? undefined : typeof context === 'string' ? [context] : context;
  return scopes.filter(
    (s) =>
      (contexts === undefined || contexts.includes(s.context)) &&
      (s.resourceType === '*' || s.resourceType === resourceType) &&
      s.interactions.has(interaction),
  );
}

/**
 * Whether the authorization server may accept `text` in a request's `scope`. Resource scopes must
 * parse; `launch`, `launch/patient`, `launch/encounter`, `openid`, `fhirUser`, `offline_access` and
 * `online_access` are accepted; any other token that looks like a resource or launch scope (it has a
 * `/`, `.` or `?`) is malformed. Other plain tokens (`profile`, `email`) are well-formed: the server
 * may simply not grant them.
 */
export function isValidRequestedScope(text: string): boolean {
  if (typeof text !== 'string' || !SCOPE_TOKEN.test(text)) return false;
  if (KNOWN_NON_RESOURCE.has(text) || parseScope(text) !== null) return true;
  return !/[/.?]/.test(text);
}
