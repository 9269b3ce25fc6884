import { useEffect, useState } from 'react';

/** The time now, renewed every `everyMs` (a button that opens at a time, a visit's timer). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
