import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { ToDo } from '../api/things-to-do.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { EmptyState } from './EmptyState.js';

/** The home page's list of what the patient has to do, each with where to do it when we know. */
export function ThingsToDo({ items }: { items: ToDo[] }) {
  const { t } = useI18n();
  return (
    <Card withBorder component="section" aria-labelledby="todo-title">
      <Title order={2} size="h3" id="todo-title" mb="sm">
        {t('todo.title')}
      </Title>
      {items.length === 0 ? (
        <EmptyState>{t('todo.empty')}</EmptyState>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((item) => (
            <li key={item.key}>
              {item.kind === 'plan' ? (
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Badge variant={item.status === 'in-progress' ? 'light' : 'filled'} miw={88}>
                    {t(`todo.status.${item.status}`)}
                  </Badge>
                  <div>
                    <Text>{item.text}</Text>
                    {item.plan && (
                      <Text size="sm" c="dimmed">
                        {t('todo.fromPlan', { plan: item.plan })}
                      </Text>
                    )}
                  </div>
                </Group>
              ) : (
                <Text>
                  {t(item.kind === 'add-contact' ? 'todo.addContact' : 'todo.pickChannels')}{' '}
                  <Anchor component={Link} to="/profile">
                    {t('todo.goProfile')}
                  </Anchor>
                </Text>
              )}
            </li>
          ))}
        </Stack>
      )}
    </Card>
  );
}
