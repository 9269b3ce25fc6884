/**
 * A tenant's federation of staff sign-in to an external OpenID Connect provider (its hospital's
 * identity provider). OpenVisit is a confidential client of that provider.
 */
export interface FederationConfig {
  /** The provider's issuer identifier; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in page: "Sign in with <displayName>". */
  displayName: string;
  /**
   * On a first federated sign-in, link the staff account whose username is the provider's verified
   * email. Off: only accounts linked by an operator (`user create --external-subject`) sign in.
   */
  linkVerifiedEmail: boolean;
}

export class FederationConfigError extends Error {}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether an issuer may be reached over plain HTTP: only on this machine (development, tests). */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

/** Checks an operator's input; the issuer must be HTTPS (plain HTTP only on loopback). */
export function validateFederationConfig(input: FederationConfig): FederationConfig {
  if (!URL.canParse(input.issuer)) throw new FederationConfigError('the issuer must be a URL');
  const issuer = new URL(input.issuer);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopbackUrl(issuer)))
    throw new FederationConfigError('the issuer must be an https URL');
  if (issuer.search || issuer.hash) throw new FederationConfigError('the issuer has no query or fragment');
  const clientId = input.clientId.trim();
  if (clientId === '' || clientId.length > 255) throw new FederationConfigError('a client id is required');
  if (input.clientSecret.length < 16)
    throw new FederationConfigError('the client secret must be at least 16 characters');
  const displayName = input.displayName.trim();
  if (displayName === '' || displayName.length > 80)
    throw new FederationConfigError('a display name of 1-80 characters is required');
  return {
    issuer: input.issuer,
    clientId,
    clientSecret: input.clientSecret,
    displayName,
    linkVerifiedEmail: input.linkVerifiedEmail,
  };
}

/** How an account records the external identity it is linked to. */
export function externalSubject(issuer: string, subject: string): string {
  return `${issuer}|${subject}`;
}
