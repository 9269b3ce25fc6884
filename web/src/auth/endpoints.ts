/** What the app needs to know of the server: all on this origin. */
export interface Endpoints {
  clientId: string;
  /** Absolute FHIR base, the `aud` of the app's tokens. */
  fhirBase: string;
  authorization: string;
  token: string;
  revocation: string;
  endSession: string;
}

interface SmartConfiguration {
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  end_session_endpoint?: string;
}

/** Reads the app's client id from the server and the endpoints from the FHIR server's SMART document. */
export async function loadEndpoints(fetchImpl: typeof fetch = fetch): Promise<Endpoints> {
  const config = (await (await fetchImpl('/app/config.json')).json()) as {
    clientId: string;
    fhirBase: string;
  };
  const fhirBase = new URL(config.fhirBase, location.origin).toString().replace(/\/$/, '');
  const res = await fetchImpl(`${fhirBase}/.well-known/smart-configuration`);
  if (!res.ok) throw new Error(`smart-configuration: HTTP ${res.status}`);
  const smart = (await res.json()) as SmartConfiguration;
  return {
    clientId: config.clientId,
    fhirBase,
    authorization: smart.authorization_endpoint,
    token: smart.token_endpoint,
    revocation: smart.revocation_endpoint ?? '',
    endSession: smart.end_session_endpoint ?? '',
  };
}
