import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { useI18n } from '../../i18n/I18nProvider.js';
import type { LiveSnapshot } from '../../visits/live-visit.js';
import { SelfView } from '../../visits/MediaViews.js';
import { ConnectionNote } from './ConnectionNote.js';

/** What the waiting patient hears of their place: their own position and wait, never anyone else. */
export function placeText(t: ReturnType<typeof useI18n>['t'], wait: LiveSnapshot['wait']): string {
  if (!wait) return t('visit.wait.unknown');
  // 0: next, and the clinician is free (the server rounds a wait up to 5 minutes otherwise).
  return wait.etaMinutes <= 0
    ? t('visit.wait.soon', { position: wait.position })
    : t('visit.wait.place', { position: wait.position, minutes: wait.etaMinutes });
}

/**
 * The patient's waiting room: their place in line and the estimated wait, updated live (a polite
 * live region), and a preview of their own camera while they wait to be let in.
 */
export function WaitingRoom({ snap }: { snap: LiveSnapshot }) {
  const { t } = useI18n();
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>{t('visit.waiting.title')}</Title>
        <Text c="dimmed">{t('visit.waiting.lead')}</Text>
      </div>
      <ConnectionNote snap={snap} />
      <Card withBorder component="section" aria-labelledby="wait-place-title">
        <Title order={2} size="h4" id="wait-place-title">
          {t('visit.waiting.place')}
        </Title>
        <Text size="lg" fw={600} role="status" aria-live="polite" aria-atomic="true" data-testid="visit-wait">
          {placeText(t, snap.wait)}
        </Text>
        <Text size="sm" c="dimmed" mt="xs">
          {t('visit.waiting.stay')}
        </Text>
      </Card>
      <section aria-labelledby="wait-preview-title">
        <Title order={2} size="h4" id="wait-preview-title" mb="xs">
          {t('visit.waiting.preview')}
        </Title>
        <Group align="flex-start">
          <SelfView stream={snap.local.stream} cameraOn audioOnly={false} />
        </Group>
        {snap.local.devices === 'none' && (
          <Text size="sm" mt="xs">
            {t('visit.waiting.noDevices')}
          </Text>
        )}
      </section>
    </Stack>
  );
}
