import { Button, Group, Text } from '@mantine/core';
import { useAction } from '../api/use-action.js';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { ErrorState } from './ErrorState.js';
import { useToast } from './Toasts.js';

/** Saves the patient's whole record (Patient/$everything, a FHIR Bundle) as a file. */
export function DownloadRecord({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const { fhir } = useAuth();
  const action = useAction();
  const toast = useToast();

  const download = () =>
    action.run(async () => {
      const text = await fhir.text(`Patient/${patientId}/$everything`);
      const url = URL.createObjectURL(new Blob([text], { type: 'application/fhir+json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `health-record-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast(t('record.downloaded'));
    });

  return (
    <div>
      <Group gap="sm" align="center">
        <Button variant="outline" loading={action.busy} onClick={() => void download()}>
          {t('record.download')}
        </Button>
        <Text size="sm" c="dimmed">
          {t('record.downloadHint')}
        </Text>
      </Group>
      {action.failure !== null && <ErrorState error={action.failure} onRetry={() => void download()} />}
    </div>
  );
}
