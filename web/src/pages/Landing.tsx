import { Button, Container, Stack, Text, Title } from '@mantine/core';
import { Navigate } from 'react-router';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { PageLayout } from '../ui/PageLayout.js';

/** The signed-out front door. */
export default function Landing() {
  const { t } = useI18n();
  const auth = useAuth();
  if (auth.tokens) return <Navigate to="/home" replace />;
  return (
    <PageLayout>
      <Container size="sm" py="xl">
        <Stack gap="md">
          <Title order={1}>{t('landing.title')}</Title>
          <Text size="lg">{t('landing.lead')}</Text>
          <div>
            <Button size="md" onClick={() => void auth.signIn('/app/home')}>
              {t('landing.signIn')}
            </Button>
          </div>
        </Stack>
      </Container>
    </PageLayout>
  );
}
