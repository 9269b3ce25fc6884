import { Text, Title } from '@mantine/core';

/** A page's one level-1 heading and the sentence under it. */
export function PageHeading({ title, lead }: { title: string; lead?: string }) {
  return (
    <div>
      <Title order={1}>{title}</Title>
      {lead && <Text c="dimmed">{lead}</Text>}
    </div>
  );
}
