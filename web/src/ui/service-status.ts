import { useEffect, useState } from 'react';

export type ServiceStatus = 'ok' | 'degraded' | 'offline';

const POLL_MS = 30_000;

/** `/readyz` answers 200 when OpenVisit can serve (database reachable, not draining), else 503. */
export async function probe(fetchImpl: typeof fetch = (...a) => fetch(...a)): Promise<ServiceStatus> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return 'offline';
  try {
    const res = await fetchImpl('/readyz', { cache: 'no-store' });
    return res.ok ? 'ok' : 'degraded';
  } catch {
    return 'offline';
  }
}

/** The service's state, checked every 30 seconds and whenever the browser goes on- or offline. */
export function useServiceStatus(): ServiceStatus {
  const [status, setStatus] = useState<ServiceStatus>('ok');
  useEffect(() => {
    let alive = true;
    const check = () => void probe().then((s) => alive && setStatus(s));
    check();
    const timer = setInterval(check, POLL_MS);
    window.addEventListener('online', check);
    window.addEventListener('offline', check);
    return () => {
      alive = false;
      clearInterval(timer);
      window.removeEventListener('online', check);
      window.removeEventListener('offline', check);
    };
  }, []);
  return status;
}
