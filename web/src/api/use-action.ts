import { useCallback, useState } from 'react';

export interface Action {
  /** Running now (buttons show it and refuse a second press). */
  busy: boolean;
  /** The last run succeeded. */
  done: boolean;
  /** What the last run failed with, or null. */
  failure: unknown;
  /** Runs `fn`; true when it succeeded. Failures are kept in `failure`, never thrown. */
  run(fn: () => Promise<unknown>): Promise<boolean>;
}

/** The state of a user action that writes or fetches on a click: busy, done, failed. */
export function useAction(): Action {
  const [state, setState] = useState<{ busy: boolean; done: boolean; failure: unknown }>({
    busy: false,
    done: false,
    failure: null,
  });
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setState({ busy: true, done: false, failure: null });
    try {
      await fn();
      setState({ busy: false, done: true, failure: null });
      return true;
    } catch (failure) {
      setState({ busy: false, done: false, failure });
      return false;
    }
  }, []);
  return { ...state, run };
}
