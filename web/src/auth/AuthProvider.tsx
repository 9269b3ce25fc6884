import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { FhirClient } from '../api/fhir-client.js';
import { loadEndpoints } from './endpoints.js';
import { OAuthSession, type Tokens } from './oauth-session.js';

export interface Auth {
  session: OAuthSession;
  fhir: FhirClient;
  /** Null while signed out. */
  tokens: Tokens | null;
  signIn(returnTo?: string): Promise<void>;
  signOut(): Promise<void>;
  /** Called once a sign-in has completed (the callback page). */
  signedIn(tokens: Tokens): void;
}

const AuthContext = createContext<Auth | null>(null);

// The access token is renewed this long before it expires.
const RENEW_BEFORE_MS = 60_000;

/**
 * Loads the server's endpoints, resumes a session this tab had (its refresh token) and keeps the
 * access token fresh; renders `loading` until it knows whether someone is signed in.
 */
export function AuthProvider({ children, loading }: { children: ReactNode; loading: ReactNode }) {
  const [session, setSession] = useState<OAuthSession | null>(null);
  const [tokens, setTokens] = useState<Tokens | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const s = new OAuthSession(await loadEndpoints());
      const resumed = location.pathname.startsWith('/app/callback')
        ? null
        : await s.resume().catch(() => null);
      if (cancelled) return;
      setSession(s);
      setTokens(resumed);
      setReady(true);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (!session || !tokens) return;
    const delay = Math.max(5_000, tokens.expiresAt - Date.now() - RENEW_BEFORE_MS);
    const timer = setTimeout(() => {
      void session.refresh().then(setTokens, () => undefined);
    }, delay);
    return () => clearTimeout(timer);
  }, [session, tokens]);

  const value = useMemo<Auth | null>(() => {
    if (!session) return null;
    const fhir = new FhirClient(session.endpointsBase, {
      token: async () => session.current?.accessToken ?? null,
      renew: async () => {
        const next = await session.refresh();
        setTokens(next);
        return next?.accessToken ?? null;
      },
    });
    return {
      session,
      fhir,
      tokens,
      signIn: async (returnTo = '/app/home') => {
        location.assign(await session.authorizeUrl(returnTo));
      },
      signOut: async () => {
        const next = await session.signOut();
        setTokens(null);
        location.assign(next);
      },
      signedIn: setTokens,
    };
  }, [session, tokens]);

  if (!ready || !value) return <>{loading}</>;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
