import { Text } from '@mantine/core';

/** What a section says when it has nothing to show. */
export function EmptyState({ children }: { children: string }) {
  return (
    <Text c="dimmed" size="sm">
      {children}
    </Text>
  );
}
