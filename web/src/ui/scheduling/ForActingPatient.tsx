import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/I18nProvider.js';
import { ErrorState } from '../ErrorState.js';
import { Loading } from '../Loading.js';
import { useActingFor, type ActingFor } from './hooks.js';

/** A portal page of whoever is acting: the patient, or a caregiver for the patient they care for. */
export function ForActingPatient({ children }: { children(acting: ActingFor): ReactNode }) {
  const { t } = useI18n();
  const acting = useActingFor();
  if (acting.loading && !acting.data) return <Loading label={t('app.loading')} />;
  if (acting.error) return <ErrorState error={acting.error} onRetry={acting.retry} />;
  if (!acting.data) return <Text>{t('home.noDependent')}</Text>;
  return <>{children(acting.data)}</>;
}
