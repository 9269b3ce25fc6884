import { Alert, Button } from '@mantine/core';
import { useI18n } from '../../i18n/I18nProvider.js';
import type { LiveSnapshot } from '../../visits/live-visit.js';

/** The visit connection when it is not simply open: reconnecting, replaced by another tab, refused. */
export function ConnectionNote({ snap }: { snap: LiveSnapshot }) {
  const { t } = useI18n();
  return (
    <div role="status" aria-live="polite" data-testid="connection-note">
      {snap.connection === 'reconnecting' && (
        <Alert role="none" color="yellow" title={t('visit.connection.reconnecting')}>
          {t('visit.connection.reconnectingHint')}
        </Alert>
      )}
      {snap.connection === 'replaced' && (
        <Alert role="none" color="blue" title={t('visit.connection.replaced')}>
          <Button size="sm" mt="xs" onClick={() => location.reload()}>
            {t('visit.connection.useHere')}
          </Button>
        </Alert>
      )}
    </div>
  );
}
