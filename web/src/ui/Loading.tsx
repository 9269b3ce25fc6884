import { Center, Loader } from '@mantine/core';

export function Loading({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="md" aria-hidden="true" />
      <span className="ov-visually-hidden">{label}</span>
    </Center>
  );
}
