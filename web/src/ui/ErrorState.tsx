import { Alert, Button, Group, Text } from '@mantine/core';
import { ApiError, outcomeDiagnostics } from '../api/api-error.js';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';

/**
 * A failure worded for people, with what they can do about it: never raw JSON or a stack. With
 * `details` (staff pages), what the server said in its OperationOutcome follows, as it said it.
 */
export function ErrorState({
  error,
  onRetry,
  details = false,
}: {
  error: unknown;
  onRetry?: () => void;
  details?: boolean;
}) {
  const { t } = useI18n();
  const auth = useAuth();
  const kind = error instanceof ApiError ? error.kind : 'server';
  return (
    <Alert color={kind === 'forbidden' ? 'yellow' : 'red'} role="alert" title={t(`error.${kind}`)}>
      {details && <OutcomeDetails error={error} />}
      <Group mt="sm">
        {kind === 'session-expired' ? (
          <Button size="sm" onClick={() => void auth.signIn(location.pathname)}>
            {t('error.signIn')}
          </Button>
        ) : (
          onRetry && (
            <Button size="sm" variant="outline" onClick={onRetry}>
              {t('error.retry')}
            </Button>
          )
        )}
      </Group>
    </Alert>
  );
}

/** What the server said of a refusal (its OperationOutcome's diagnostics), or nothing. */
export function OutcomeDetails({ error }: { error: unknown }) {
  const { t } = useI18n();
  const said = outcomeDiagnostics(error);
  if (said.length === 0) return null;
  return (
    <div>
      <Text size="sm" fw={600}>
        {t('error.details')}
      </Text>
      {/* The server's own words: it writes them in English. */}
      {said.map((s) => (
        <Text size="sm" key={s} lang="en">
          {s}
        </Text>
      ))}
    </div>
  );
}
