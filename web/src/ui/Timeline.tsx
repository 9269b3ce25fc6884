import { Badge, Card, Group, Stack, Text, Timeline as MantineTimeline, Title } from '@mantine/core';
import type { TimelineEvent } from '../api/timeline.js';
import { formatDate } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { EmptyState } from './EmptyState.js';

/** The chart's story, newest first. */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  const { t, locale, timeZone } = useI18n();
  return (
    <Card withBorder radius="md" component="section" aria-labelledby="timeline-title">
      <Title order={2} size="h4" id="timeline-title" mb="sm">
        {t('chart.timeline')}
      </Title>
      {events.length === 0 ? (
        <EmptyState>{t('record.empty')}</EmptyState>
      ) : (
        <MantineTimeline bulletSize={12} lineWidth={2}>
          {events.map((e, i) => (
            <MantineTimeline.Item key={`${e.day}-${e.kind}-${i}`}>
              <Stack gap={2}>
                <Group gap="xs">
                  <Text size="sm" fw={600}>
                    {formatDate(e.day, locale, timeZone)}
                  </Text>
                  <Badge variant="light" color="gray" size="sm">
                    {t(`chart.event.${e.kind}`)}
                  </Badge>
                </Group>
                <Text size="sm">
                  {e.kind === 'result' ? t('chart.resultsCount', { count: e.count ?? 0 }) : e.text}
                </Text>
              </Stack>
            </MantineTimeline.Item>
          ))}
        </MantineTimeline>
      )}
    </Card>
  );
}
