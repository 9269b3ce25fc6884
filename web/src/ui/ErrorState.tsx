import { Alert, Button, Group } from '@mantine/core';
import { ApiError } from '../api/api-error.js';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';

/** A failure worded for people, with what they can do about it: never raw JSON or a stack. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const auth = useAuth();
  const kind = error instanceof ApiError ? error.kind : 'server';
  return (
    <Alert color={kind === 'forbidden' ? 'yellow' : 'red'} role="alert" title={t(`error.${kind}`)}>
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
