import { Anchor, Container, Stack, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useI18n } from '../i18n/I18nProvider.js';
import { PageLayout } from '../ui/PageLayout.js';

export default function NotFound() {
  const { t } = useI18n();
  return (
    <PageLayout>
      <Container size="sm" py="xl">
        <Stack>
          <Title order={1}>{t('notFound.title')}</Title>
          <Anchor component={Link} to="/">
            {t('notFound.home')}
          </Anchor>
        </Stack>
      </Container>
    </PageLayout>
  );
}
