import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Visits } from '../api/visits.js';
import { useAuth } from '../auth/AuthProvider.js';
import { LiveVisit, memberAccess, type LiveSnapshot, type VisitAccess } from './live-visit.js';

/**
 * The visit API for a page. Kept for the page's life: the FHIR client changes with every token
 * renewal, but any of them reads the session's current token, and a live call must not restart.
 */
export function useVisits(): Visits {
  const { fhir } = useAuth();
  const ref = useRef<Visits | null>(null);
  ref.current ??= new Visits(fhir);
  return ref.current;
}

const noSubscribe = () => () => undefined;
const noSnapshot = () => null;

/** The live visit of `visitId` while the component is shown: media, socket and call. */
export function useLiveVisit(visitId: string): { live: LiveVisit | null; snap: LiveSnapshot | null } {
  const visits = useVisits();
  const access = useMemo(() => memberAccess(visits, visitId), [visits, visitId]);
  return useLiveAccess(access);
}

/**
 * The live visit reached through `access` (null: not yet) while the component is shown. A new
 * `access` object is a new visit: keep it stable (state or memo).
 */
export function useLiveAccess(access: VisitAccess | null): {
  live: LiveVisit | null;
  snap: LiveSnapshot | null;
} {
  const [live, setLive] = useState<LiveVisit | null>(null);
  useEffect(() => {
    if (!access) return;
    const lv = new LiveVisit(access);
    setLive(lv);
    void lv.start();
    return () => {
      lv.stop();
      setLive((current) => (current === lv ? null : current));
    };
  }, [access]);
  const snap = useSyncExternalStore(live?.subscribe ?? noSubscribe, live?.snapshot ?? noSnapshot);
  return { live, snap };
}
