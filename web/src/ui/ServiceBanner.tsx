import { Alert } from '@mantine/core';
import { useI18n } from '../i18n/I18nProvider.js';
import { useServiceStatus } from './service-status.js';

/** A visible notice while OpenVisit is degraded or the browser is offline; nothing otherwise. */
export function ServiceBanner() {
  const { t } = useI18n();
  const status = useServiceStatus();
  if (status === 'ok') return null;
  return (
    <Alert color={status === 'offline' ? 'gray' : 'yellow'} role="status" mb="md" radius={0}>
      {t(status === 'offline' ? 'status.offline' : 'status.degraded')}
    </Alert>
  );
}
