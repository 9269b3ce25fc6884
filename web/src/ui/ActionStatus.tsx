import { useEffect } from 'react';
import type { Action } from '../api/use-action.js';
import { ErrorState } from './ErrorState.js';
import { useToast } from './Toasts.js';

/**
 * What came of the last action: a toast once it succeeded (`doneText`), the error in place if it
 * failed, next to what the user has to change.
 */
export function ActionStatus({ action, doneText }: { action: Action; doneText?: string }) {
  const toast = useToast();
  useEffect(() => {
    if (action.done && doneText) toast(doneText);
    // Once per success: `done` turns false when the next run starts.
  }, [action.done, doneText, toast]);
  if (action.failure !== null) return <ErrorState error={action.failure} />;
  return null;
}
