import { Button, Container, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthProvider.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { Loading } from '../ui/Loading.js';
import { PageLayout } from '../ui/PageLayout.js';

/** Where the server sends the browser back after sign-in: exchanges the code, then moves on. */
export default function Callback() {
  const { t } = useI18n();
  const auth = useAuth();
  const navigate = useNavigate();
  const [failed, setFailed] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    // The code is good once: React's development double effects must not spend it twice.
    if (started.current) return;
    started.current = true;
    auth.session.complete(new URLSearchParams(location.search)).then(
      (next) => {
        if (auth.session.current) auth.signedIn(auth.session.current);
        navigate(next.replace(/^\/app/, ''), { replace: true });
      },
      () => setFailed(true),
    );
  }, [auth, navigate]);

  return (
    <PageLayout>
      <Container size="sm" py="xl">
        <Title order={1} mb="md">
          {t('landing.signIn')}
        </Title>
        {failed ? (
          <Stack>
            <Text role="alert">{t('callback.failed')}</Text>
            <div>
              <Button onClick={() => void auth.signIn('/app/home')}>{t('callback.retry')}</Button>
            </div>
          </Stack>
        ) : (
          <Loading label={t('callback.working')} />
        )}
      </Container>
    </PageLayout>
  );
}
