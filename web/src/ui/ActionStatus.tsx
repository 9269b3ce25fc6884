import { Alert } from '@mantine/core';
import type { Action } from '../api/use-action.js';
import { ErrorState } from './ErrorState.js';

/** What came of the last action: a confirmation once it succeeded, the error if it failed. */
export function ActionStatus({ action, doneText }: { action: Action; doneText?: string }) {
  if (action.failure !== null) return <ErrorState error={action.failure} />;
  if (action.done && doneText)
    return (
      <Alert color="green" role="status">
        {doneText}
      </Alert>
    );
  return null;
}
