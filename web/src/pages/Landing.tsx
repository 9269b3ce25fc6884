import { Alert, Button, Container, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { SIGNED_OUT_KEY, useAuth } from '../auth/AuthProvider.js';
import { appPath } from '../auth/oauth-session.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { PageLayout } from '../ui/PageLayout.js';

/** The signed-out front door. */
export default function Landing() {
  const { t } = useI18n();
  const auth = useAuth();
  // Read once: the note is for the visit right after the sign-out, not for later ones.
  const [idleNote] = useState(() => {
    const reason = sessionStorage.getItem(SIGNED_OUT_KEY);
    sessionStorage.removeItem(SIGNED_OUT_KEY);
    return reason === 'idle';
  });
  // A page the visitor opened before signing in (a link from a reminder, a bookmark) comes next.
  const asked = (useLocation().state as { returnTo?: unknown } | null)?.returnTo;
  const returnTo = (typeof asked === 'string' && appPath(asked)) || '/app/home';
  if (auth.tokens) return <Navigate to={returnTo.slice('/app'.length)} replace />;
  return (
    <PageLayout>
      <Container size="sm" py="xl">
        <Stack gap="md">
          {idleNote && (
            <Alert color="blue" role="status">
              {t('landing.idleSignedOut')}
            </Alert>
          )}
          <Title order={1}>{t('landing.title')}</Title>
          <Text size="lg">{t('landing.lead')}</Text>
          <div>
            <Button size="md" onClick={() => void auth.signIn(returnTo)}>
              {t('landing.signIn')}
            </Button>
          </div>
        </Stack>
      </Container>
    </PageLayout>
  );
}
