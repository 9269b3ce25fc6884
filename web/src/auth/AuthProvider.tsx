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
  /** Ends the session here and on the server; `idle` tells the front page why. */
  signOut(reason?: 'idle'): Promise<void>;
  /** Renews the tokens now (activity, "stay signed in"); false when the session has ended. */
  renew(): Promise<boolean>;
  /** Called once a sign-in has completed (the callback page). */
  signedIn(tokens: Tokens): void;
}

const AuthContext = createContext<Auth | null>(null);

/** Why the last session of this tab ended, for the front page to say. */
export const SIGNED_OUT_KEY = 'openvisit.signed-out';

/**
 * Loads the server's endpoints and resumes a session this tab had (its refresh token); renders
 * `loading` until it knows whether someone is signed in. Tokens are renewed on activity (IdleGuard)
 * and when the API refuses an expired one, never on a timer: an unattended tab must end.
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
      signOut: async (reason) => {
        if (reason) sessionStorage.setItem(SIGNED_OUT_KEY, reason);
        const next = await session.signOut({ endServerSession: reason !== 'idle' });
        setTokens(null);
        location.assign(next);
      },
      renew: async () => {
        const next = await session.refresh().catch(() => null);
        setTokens(next);
        return next !== null;
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
